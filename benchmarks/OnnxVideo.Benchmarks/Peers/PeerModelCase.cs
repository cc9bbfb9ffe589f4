namespace OnnxVideo.Benchmarks.Peers;

/// <summary>A zoo architecture and the clip batch its peer rows run at.</summary>
internal sealed record PeerModelCase(string Arch, int Batch, int Frames, int Size)
{
    /// <summary>How many times <c>--iters</c> its rows time, on both sides.</summary>
    public int IterationScale { get; init; } = 1;

    /// <summary>How many times each row runs our process and the peer's in turns (medians of each side).</summary>
    public int Rounds { get; init; } = 1;

    public string Shape => $"{Batch}×3×{Frames}×{Size}×{Size}";
}
