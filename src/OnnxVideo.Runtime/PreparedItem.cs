namespace OnnxVideo.Runtime;

/// <summary>The clips of one input after decoding and preprocessing, with the time each step took.</summary>
internal sealed record PreparedItem(string Source, IReadOnlyList<PreparedClip> Clips, int ClipCount, TimeSpan Decode, TimeSpan Preprocess, bool IsTimeline);
