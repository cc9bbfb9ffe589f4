namespace OnnxVideo.Packaging.Tuning;

/// <summary>
/// Where an adapter's branch is added to its base node's output: the Add producing <paramref name="Output"/> (the
/// base node's original output name) from <paramref name="BaseOutput"/> (the renamed base output) and the branch.
/// </summary>
internal sealed record LoraJoin(string Output, string BaseOutput);
