namespace OnnxVideo.Autodiff;

/// <summary>One registry entry: an op type (of the default ONNX domain unless <see cref="Domain"/> says otherwise)
/// and its backward function, or none when the op is not differentiable (its outputs carry no gradient, e.g. Shape,
/// Equal, ArgMax).</summary>
internal sealed record GradientRule(string OpType, BackwardFunction? Backward, string Domain = "")
{
    /// <summary>The registry key: the op type, prefixed by its domain outside the default one.</summary>
    public string Key => Domain.Length == 0 ? OpType : $"{Domain}:{OpType}";

    public bool IsDifferentiable => Backward is not null;
}
