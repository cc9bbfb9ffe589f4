namespace OnnxVideo.Models.Tuning;

/// <summary>
/// VPT-style prompt tuning: <see cref="Tokens"/> learnable tokens appended to a transformer's token sequence at the
/// input of the first block and dropped after the last (shallow), or fresh tokens at the input of every block,
/// dropped after it (<see cref="Deep"/>).
/// </summary>
public sealed record PromptOptions
{
    public int Tokens { get; init; } = 8;
    public bool Deep { get; init; }
    /// <summary>Seed of the random initialisation of the tokens.</summary>
    public int Seed { get; init; }
}
