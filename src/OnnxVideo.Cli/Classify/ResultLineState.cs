namespace OnnxVideo.Cli.Classify;

/// <summary>What the result file records for one input: whether it succeeded and on which attempt.</summary>
internal readonly record struct ResultLineState(bool Succeeded, int Attempt);
