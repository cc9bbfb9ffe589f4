namespace OnnxVideo.Autodiff;

/// <summary>One registry entry: an op type and its backward function, or none when the op is not differentiable
/// (its outputs carry no gradient, e.g. Shape, Equal, ArgMax).</summary>
internal sealed record GradientRule(string OpType, BackwardFunction? Backward)
{
    public bool IsDifferentiable => Backward is not null;
}
