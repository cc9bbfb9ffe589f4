namespace OnnxVideo.Autodiff.Optimizers;

/// <summary>What <see cref="OptimizerGraph.Append"/> added: the updated parameters and state, and the norm output.</summary>
internal sealed record OptimizerUpdate(
    IReadOnlyList<TensorBinding> Parameters,
    IReadOnlyList<TensorBinding> State,
    string GradientNorm);
