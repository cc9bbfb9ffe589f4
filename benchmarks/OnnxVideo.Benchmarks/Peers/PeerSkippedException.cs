namespace OnnxVideo.Benchmarks.Peers;

/// <summary>A peer that is not installed on this machine: its row is shown as skipped and does not fail the run.</summary>
public sealed class PeerSkippedException(string reason) : Exception(reason);
