namespace OnnxVideo.Export.Tests.Autodiff;

/// <summary>
/// One row of the gradient-check table: the registry entry it covers, a tiny forward graph, and how to check it.
/// Float64 rows run every op in double precision (ORT CPU has double kernels for them); float32 rows are for ops
/// ORT only implements in float (Conv, pools, Gelu, Erf …).
/// </summary>
internal sealed record GradientCheckCase(string Rule, string Description, Func<CaseGraph, string[]> Build)
{
    public bool Float64 { get; init; } = true;

    public int Opset { get; init; } = 17;

    public GradientCheckMode Mode { get; init; } = GradientCheckMode.FiniteDifferences;

    public override string ToString() => $"{Rule}: {Description}";
}
