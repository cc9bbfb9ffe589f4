namespace OnnxVideo.Benchmarks.Transfer;

/// <summary>One cell of the transfer table: best validation top-1 and training time of one run.</summary>
internal sealed record TransferRun(string Architecture, string Init, string Mode, int ClipsPerClass, double Top1, int BestEpoch, double Seconds);
