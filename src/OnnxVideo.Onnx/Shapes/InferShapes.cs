using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Onnx.Shapes;

/// <summary>A shape rule: what a node's outputs are (element type, shape, small integer elements), given what the
/// inference knows of its inputs; one entry per output, null where nothing is known.</summary>
internal delegate InferredValue?[] InferShapes(ShapeInference inference, NodeProto node);
