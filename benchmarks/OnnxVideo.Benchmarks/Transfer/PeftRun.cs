namespace OnnxVideo.Benchmarks.Transfer;

/// <summary>One row of the PEFT table as measured: what trained, how well, and how long an epoch's training took.</summary>
internal sealed record PeftRun(string Architecture, string Method, string Tuning, string Regularisation, long TrainableParameters, long PackageParameters,
    double BestTop1, int BestEpoch, double LastTop1, double SecondsPerEpoch, string LoadAverage);
