namespace OnnxVideo.Onnx.Shapes;

/// <summary>One shape-registry entry: an op type (default ONNX domain) and its shape rule.</summary>
internal sealed record ShapeRule(string OpType, InferShapes Infer);
