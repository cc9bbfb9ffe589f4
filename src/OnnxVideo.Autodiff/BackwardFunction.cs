using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Autodiff;

/// <summary>
/// Emits the backward nodes of one forward node. <paramref name="outputGradients"/> holds d loss / d output per
/// output (null where no gradient reaches it). Returns one entry per input: the gradient value, or null for an
/// input that needs none (<see cref="GradientContext.NeedsGradient"/>) or is not differentiable.
/// </summary>
internal delegate string?[] BackwardFunction(GradientContext ctx, NodeProto node, IReadOnlyList<string?> outputGradients);
