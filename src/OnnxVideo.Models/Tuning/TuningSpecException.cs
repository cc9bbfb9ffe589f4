namespace OnnxVideo.Models.Tuning;

/// <summary>A tuning specification (the --tune flag) that cannot be used, or a model it cannot be applied to.</summary>
internal sealed class TuningSpecException(string spec, string problem) 
    : UserInputException(spec, problem, $"tuning '{spec}': {problem}", null)
{
    public string Spec { get; } = spec;
}
