namespace OnnxVideo.Training.Packages;

/// <summary>
/// A tensor that training updates without a gradient (a BatchNormalization running mean or variance in training mode):
/// <see cref="Name"/> is its input in every graph, <see cref="Updated"/> the train-step/gradients output with its next value.
/// </summary>
public sealed record RunningStatistic(string Name, long[] Shape, string Updated);
