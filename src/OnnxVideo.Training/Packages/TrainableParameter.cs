namespace OnnxVideo.Training.Packages;

/// <summary>
/// A trainable parameter of a training package: <see cref="Name"/> is its ONNX initializer name and graph input,
/// <see cref="Updated"/> the train-step/optimizer output with its next value, <see cref="Gradient"/> the gradients-graph
/// output and optimizer-graph input, and <see cref="State"/> its optimizer state tensors (same shape).
/// </summary>
public sealed record TrainableParameter(string Name, long[] Shape, string Gradient, string Updated, IReadOnlyList<OptimizerStateTensor> State)
{
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);
}
