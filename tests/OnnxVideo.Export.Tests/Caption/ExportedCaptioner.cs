using OnnxVideo.Packaging;

namespace OnnxVideo.Export.Tests.Caption;

/// <summary>Runs an exported captioner folder's four graphs directly (no OnnxVideo.Runtime): memory, teacher-forced logits, and the same logits decoded token by token with the key/value cache.</summary>
internal sealed class ExportedCaptioner(string folder, PackageCaptionEntry caption, int rows)
{
    private long[] MemoryShape => [rows, caption.MemoryTokens, caption.ModelDim];

    public float[] Memory(float[] video, long[] videoShape)
    {
        using var encoder = new OrtModelRunner(Path.Combine(folder, caption.EncoderFile));
        return encoder.Run(new Dictionary<string, (Array, long[])> { ["video"] = (video, videoShape) }, ["memory"])["memory"];
    }

    /// <summary>decoder.onnx on the whole token rows: logits [rows, L, V].</summary>
    public float[] TeacherForcedLogits(float[] memory, long[] tokens, long[] tokenShape)
    {
        using var decoder = new OrtModelRunner(Path.Combine(folder, caption.DecoderFile));
        return decoder.Run(new Dictionary<string, (Array, long[])> { ["memory"] = (memory, MemoryShape), ["tokens"] = (tokens, tokenShape) }, ["logits"])["logits"];
    }

    /// <summary>decoder_memory.onnx once, then decoder_step.onnx per position, feeding back present as past: logits laid out [rows, L, V].</summary>
    public float[] StepByStepLogits(float[] memory, long[] tokens, long[] tokenShape)
    {
        var layers = Enumerable.Range(0, caption.Layers).ToList();
        var memoryNames = layers.SelectMany(i => new[] { $"memory_key_{i}", $"memory_value_{i}" }).ToList();
        using var memoryGraph = new OrtModelRunner(Path.Combine(folder, caption.DecoderMemoryFile));
        var keysValues = memoryGraph.Run(new Dictionary<string, (Array, long[])> { ["memory"] = (memory, MemoryShape) }, memoryNames);
        using var step = new OrtModelRunner(Path.Combine(folder, caption.DecoderStepFile));
        var length = (int)tokenShape[1];
        var vocabulary = caption.VocabularySize;
        var past = layers.SelectMany(i => new[] { $"past_key_{i}", $"past_value_{i}" }).ToDictionary(n => n, _ => Array.Empty<float>());
        var logits = new float[rows * length * vocabulary];
        for (var t = 0; t < length; t++)
        {
            var inputs = new Dictionary<string, (Array, long[])>();
            foreach (var name in memoryNames)
            {
                inputs[name] = (keysValues[name], [rows, caption.Heads, caption.MemoryTokens, caption.HeadDim]);
            }
            inputs["token"] = (Enumerable.Range(0, rows).Select(r => tokens[r * length + t]).ToArray(), [rows, 1]);
            inputs["position"] = (new long[] { t }, [1]);
            foreach (var (name, value) in past)
            {
                inputs[name] = (value, [rows, caption.Heads, t, caption.HeadDim]);
            }
            var outputs = step.Run(inputs, ["logits", .. layers.SelectMany(i => new[] { $"present_key_{i}", $"present_value_{i}" })]);
            for (var r = 0; r < rows; r++)
            {
                Array.Copy(outputs["logits"], r * vocabulary, logits, (r * length + t) * vocabulary, vocabulary);
            }
            past = past.Keys.ToDictionary(n => n, n => outputs[n.Replace("past_", "present_", StringComparison.Ordinal)]);
        }
        return logits;
    }
}
