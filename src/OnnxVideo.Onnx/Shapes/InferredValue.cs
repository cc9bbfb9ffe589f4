using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Onnx.Shapes;

/// <summary>
/// What static inference knows about one graph value: element type (Undefined when unknown), shape (null when the rank is
/// unknown) and, for small integer tensors such as the results of Shape ops, their elements.
/// </summary>
internal sealed record InferredValue(TensorProto.Types.DataType ElemType, TensorShape? Shape, IReadOnlyList<ShapeDim>? IntElements = null);
