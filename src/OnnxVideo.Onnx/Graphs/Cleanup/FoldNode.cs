using OnnxVideo.Onnx.Proto;
using OnnxVideo.Onnx.Shapes;

namespace OnnxVideo.Onnx.Graphs.Cleanup;

/// <summary>
/// Evaluates one node at graph-build time: its single output from its inputs' known values (null where an input is
/// not a known constant) and the static shapes; null when the node cannot be folded.
/// </summary>
internal delegate IntTensor? FoldNode(NodeProto node, IReadOnlyList<IntTensor?> inputs, ShapeInference shapes);
