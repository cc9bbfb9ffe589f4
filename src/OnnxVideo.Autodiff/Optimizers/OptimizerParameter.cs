namespace OnnxVideo.Autodiff.Optimizers;

/// <summary>
/// A trainable tensor the optimizer updates: its value name, its gradient's value name, its shape and the factor its
/// learning rate is multiplied by (layer-wise decay; 1 = the lr input as is).
/// </summary>
internal sealed record OptimizerParameter(string Name, string Gradient, IReadOnlyList<long> Shape, float LearningRateScale = 1f);
