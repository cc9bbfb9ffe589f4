namespace OnnxVideo.Autodiff.Optimizers;

/// <summary>A trainable tensor the optimizer updates: its value name, its gradient's value name and its shape.</summary>
internal sealed record OptimizerParameter(string Name, string Gradient, IReadOnlyList<long> Shape);
