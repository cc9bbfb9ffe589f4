namespace OnnxVideo.Runtime;

/// <summary>The clips of one input after decoding and preprocessing, with the time each step took, and what was filled
/// in rather than decoded (<see cref="ClassificationResult.Warnings"/>).</summary>
internal sealed record PreparedItem(string Source, IReadOnlyList<PreparedClip> Clips, int ClipCount, TimeSpan Decode, TimeSpan Preprocess, bool IsTimeline)
{
    public IReadOnlyList<string> Warnings { get; init; } = [];
}
