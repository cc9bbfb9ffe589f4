namespace OnnxVideo.Training.Tests.Sessions;

/// <summary>A theory over the NCHWc convolutions: skipped, visibly, where ORT has no blocked kernels on this CPU.</summary>
public sealed class NchwcTheoryAttribute : TheoryAttribute
{
    public NchwcTheoryAttribute() => Skip = NchwcFactAttribute.SkipReason;
}
