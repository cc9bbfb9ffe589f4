namespace OnnxVideo.Onnx.Shapes;

/// <summary>
/// What static inference knows about one graph value: element type (0 when unknown), shape (null when the rank is
/// unknown) and, for small integer tensors such as the results of Shape ops, their elements.
/// </summary>
internal sealed record InferredValue(int ElemType, TensorShape? Shape, IReadOnlyList<ShapeDim>? IntElements = null);
