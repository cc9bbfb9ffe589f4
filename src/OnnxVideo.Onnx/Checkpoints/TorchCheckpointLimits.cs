namespace OnnxVideo.Onnx.Checkpoints;

/// <summary>Caps that keep a hostile checkpoint from exhausting memory; the defaults fit any real state dict.</summary>
public sealed record TorchCheckpointLimits
{
    public static TorchCheckpointLimits Default { get; } = new();

    /// <summary>Largest <c>data.pkl</c> (or legacy pickle section) read.</summary>
    public int MaxPickleBytes { get; init; } = 64 << 20;
    public int MaxStackItems { get; init; } = 1 << 20;
    public int MaxMemoEntries { get; init; } = 1 << 20;
    /// <summary>Most MARKs open at once: how deeply tuples, lists and dicts may nest.</summary>
    public int MaxNesting { get; init; } = 256;
    public int MaxTensorDims { get; init; } = 32;
    public int MaxZipEntries { get; init; } = 1 << 17;
    /// <summary>Compressed entries bigger than <see cref="CompressionCheckBytes"/> may expand at most this much.</summary>
    public int MaxCompressionRatio { get; init; } = 100;
    public long CompressionCheckBytes { get; init; } = 1 << 20;
}
