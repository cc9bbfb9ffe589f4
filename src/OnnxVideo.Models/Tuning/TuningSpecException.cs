namespace OnnxVideo.Export.Tuning;

/// <summary>A tuning specification (the --tune flag) that cannot be used, or a model it cannot be applied to.</summary>
public sealed class TuningSpecException(string spec, string problem) : Exception($"tuning '{spec}': {problem}")
{
    public string Spec { get; } = spec;
    public string Problem { get; } = problem;
}
