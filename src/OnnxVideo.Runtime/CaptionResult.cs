namespace OnnxVideo.Runtime;

/// <summary>
/// The caption of one input: its text, the token ids (EOS excluded) and their total log-probability; or, when the
/// input could not be read, <see cref="Error"/> and an empty text.
/// </summary>
public sealed record CaptionResult(string Input, string Text, IReadOnlyList<int> Tokens, double LogProbability)
{
    /// <summary>Why the input was not captioned (e.g. an unreadable video); null on success.</summary>
    public string? Error { get; init; }
}
