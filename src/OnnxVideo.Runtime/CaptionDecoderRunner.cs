using OnnxVideo.Media;
using OnnxVideo.Ort;

namespace OnnxVideo.Runtime;

/// <summary>
/// Runs a captioner's decoder graphs for a batch of rows (clips or beams) that share one memory tensor: the full
/// decoder on whole token prefixes, or one step of decoder_step.onnx that reads and replaces the key/value cache
/// (the memory's cross-attention keys and values come from decoder_memory.onnx once per batch).
/// </summary>
internal sealed class CaptionDecoderRunner : IDisposable
{
    private readonly OrtSession decoder;
    private readonly OrtSession memoryKeysValues;
    private readonly OrtSession step;
    private readonly string[] memoryOutputs;
    private readonly CaptionerManifest manifest;
    private readonly string[] stepInputs;
    private readonly string[] stepOutputs;

    public CaptionDecoderRunner(OrtSession decoder, OrtSession memoryKeysValues, OrtSession step, CaptionerManifest manifest)
    {
        this.decoder = decoder;
        this.memoryKeysValues = memoryKeysValues;
        this.step = step;
        this.manifest = manifest;
        var layers = Enumerable.Range(0, manifest.Layers);
        memoryOutputs = [.. layers.SelectMany(i => new[] { $"memory_key_{i}", $"memory_value_{i}" })];
        stepInputs = [.. memoryOutputs, "token", "position", .. layers.SelectMany(i => new[] { $"past_key_{i}", $"past_value_{i}" })];
        stepOutputs = ["logits", .. layers.SelectMany(i => new[] { $"present_key_{i}", $"present_value_{i}" })];
    }

    public int Vocabulary => manifest.VocabularySize;

    /// <summary>Logits [rows, length, V] of <paramref name="tokens"/> [rows, length] against <paramref name="memory"/> [rows, S, D].</summary>
    public float[] FullLogits(float[] memory, int rows, long[] tokens, int length)
    {
        using var memoryValue = OrtValue.CreateTensor(memory, rows, manifest.MemoryTokens, manifest.ModelDim);
        using var tokenValue = OrtValue.CreateTensor(tokens, rows, length);
        var outputs = decoder.Run(["memory", "tokens"], [memoryValue, tokenValue], ["logits"]);
        using var logits = outputs[0];
        return logits.ToArray<float>();
    }

    /// <summary>A decoding state for <paramref name="rows"/> rows over <paramref name="memory"/> [rows, S, D], with an empty cache.</summary>
    public CaptionStepState Start(float[] memory, int rows)
    {
        var past = new OrtValue[2 * manifest.Layers];
        for (var i = 0; i < past.Length; i++)
        {
            past[i] = OrtValue.AllocateTensor<float>(rows, manifest.Heads, 0, manifest.HeadDim);
        }
        using var memoryValue = OrtValue.CreateTensor(memory, rows, manifest.MemoryTokens, manifest.ModelDim);
        return new CaptionStepState(memoryKeysValues.Run(["memory"], [memoryValue], memoryOutputs), rows, past);
    }

    /// <summary>Feeds one token per row at <paramref name="position"/>; returns logits [rows, V] and keeps the extended cache.</summary>
    public float[] Step(CaptionStepState state, long[] tokens, int position)
    {
        using var tokenValue = OrtValue.CreateTensor(tokens, state.Rows, 1);
        using var positionValue = OrtValue.CreateTensor(new long[] { position }, 1);
        var outputs = step.Run(stepInputs, [.. state.MemoryKeysValues, tokenValue, positionValue, .. state.Past], stepOutputs);
        using var logits = outputs[0];
        state.ReplacePast(outputs[1..]);
        return logits.ToArray<float>();
    }

    public void Dispose()
    {
        decoder.Dispose();
        memoryKeysValues.Dispose();
        step.Dispose();
    }
}
