namespace OnnxVideo.Benchmarks.Peers;

/// <summary>
/// One comparison: seconds per operation for us and for the peer (null with <see cref="Note"/> when a side could
/// not run). <see cref="Skipped"/> marks a peer that is not installed here, which does not fail the comparison.
/// The peak resident memory of the process doing the work, where measured (whole process on both sides: ours the
/// harness from the start of the row, the peer its interpreter).
/// </summary>
public sealed record PeerRow(string Task, string Peer, double? OursSeconds, double? PeerSeconds, string Note = "", bool Skipped = false)
{
    public long? OursPeakBytes { get; init; }

    public long? PeerPeakBytes { get; init; }

    public static PeerRow Skip(string task, string peer, string reason) => new(task, peer, null, null, "skipped: " + reason, Skipped: true);

    /// <summary>Ours ÷ peer, time-based: below 1 means we are faster.</summary>
    public double? Ratio => OursSeconds is { } o && PeerSeconds is { } p && p > 0 ? o / p : null;

    public string Faster => Ratio switch
    {
        null => "n/a",
        < 1 => "ours",
        > 1 => "peer",
        _ => "tie",
    };
}
