namespace OnnxVideo.Runtime;

/// <summary>
/// The outcome for one input. On success <see cref="Top"/> holds the top-k labels of the clip-and-crop averaged
/// probabilities; on failure <see cref="Error"/> says why and the score lists are empty.
/// </summary>
public sealed record ClassificationResult
{
    /// <summary>The file path, or the name the application gave its frames.</summary>
    public required string Source { get; init; }
    public IReadOnlyList<LabelScore> Top { get; init; } = [];
    /// <summary>Averaged class probabilities, index i for label i; empty on failure.</summary>
    public float[] Probabilities { get; init; } = [];
    /// <summary>Mean of the logits of all (clip, crop) samples; what evaluation's accuracy and loss are computed from.</summary>
    internal float[] MeanLogits { get; init; } = [];
    public IReadOnlyList<ClipScore> Clips { get; init; } = [];
    /// <summary>Sliding-window timeline when a window was requested; otherwise null.</summary>
    public IReadOnlyList<TimelineSegment>? Timeline { get; init; }
    public ClassificationTimings Timings { get; init; } = ClassificationTimings.Zero;
    public ClassificationError? Error { get; init; }
    /// <summary>What was filled in rather than decoded on success, e.g. "padded 11 of 16 frames with the last decoded
    /// one: the stream ended before frame 7 of 50 declared" (a truncated file) or a video shorter than a clip; empty
    /// for a clean read. <see cref="VideoClassifierOptions.PadShortVideos"/> = false fails such inputs instead.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    public bool Succeeded => Error is null;

    internal static ClassificationResult Failed(string source, ClassificationFailure reason, string message, ClassificationTimings? timings = null) =>
        new() { Source = source, Error = new ClassificationError(reason, message), Timings = timings ?? ClassificationTimings.Zero };
}
