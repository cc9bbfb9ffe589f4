using OnnxVideo.Ort;

namespace OnnxVideo.Runtime;

/// <summary>The memory's cross-attention keys and values and the self-attention cache of one decoding batch.</summary>
internal sealed class CaptionStepState(OrtValue[] memoryKeysValues, int rows, OrtValue[] past) : IDisposable
{
    public OrtValue[] MemoryKeysValues { get; } = memoryKeysValues;
    public int Rows { get; } = rows;
    public OrtValue[] Past { get; private set; } = past;

    public void ReplacePast(OrtValue[] present)
    {
        foreach (var value in Past)
        {
            value.Dispose();
        }
        Past = present;
    }

    /// <summary>Row r of the new cache is row <paramref name="parents"/>[r] of the current one (beam search's survivors).</summary>
    public void Reorder(IReadOnlyList<int> parents)
    {
        var reordered = new OrtValue[Past.Length];
        for (var i = 0; i < Past.Length; i++)
        {
            var shape = Past[i].Shape;
            var rowSize = (int)(shape[1] * shape[2] * shape[3]);
            var source = Past[i].GetTensorSpan<float>();
            var copy = new float[source.Length];
            for (var r = 0; r < parents.Count; r++)
            {
                source.Slice(parents[r] * rowSize, rowSize).CopyTo(copy.AsSpan(r * rowSize, rowSize));
            }
            reordered[i] = OrtValue.CreateTensor(copy, shape);
        }
        ReplacePast(reordered);
    }

    public void Dispose()
    {
        ReplacePast([]);
        foreach (var value in MemoryKeysValues)
        {
            value.Dispose();
        }
    }
}
