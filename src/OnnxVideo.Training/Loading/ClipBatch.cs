namespace OnnxVideo.Training.Loading;

/// <summary>
/// A batch ready for the model: <see cref="Count"/> clips × <see cref="ViewsPerClip"/> samples laid out one after another
/// in <see cref="Inputs"/>, their labels, and their positions in the dataset.
/// </summary>
internal sealed record ClipBatch(float[] Inputs, int[] Labels, int[] SampleIndices, int ViewsPerClip, int SampleElements)
{
    public int Count => Labels.Length;

    /// <summary>Index of this batch within its epoch (0-based).</summary>
    public int BatchIndex { get; init; }

    /// <summary>
    /// Soft targets (Count × classes, row-major) when the batch was put through a <see cref="BatchMixer"/>; null for
    /// plain labels.
    /// </summary>
    public float[]? Targets { get; init; }

    /// <summary>Token tensors when the clips are captioned (<see cref="IBatchTargets"/>); null for classification.</summary>
    public TokenTargets? Tokens { get; init; }

    /// <summary>Clips of this batch's share of the epoch that failed to decode and were left out.</summary>
    public IReadOnlyList<ClipFailure> Failures { get; init; } = [];
}
