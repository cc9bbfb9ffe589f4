namespace OnnxVideo.Runtime;

/// <summary>What <see cref="VideoInputList.Collect"/> found: the video paths to classify, each real file once, and the
/// entries it skipped with the reason, for the caller to report.</summary>
internal sealed record ExpandedVideoInputs(IReadOnlyList<string> Paths, IReadOnlyList<SkippedVideoInput> Skipped);
