using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Onnx.Graphs;

/// <summary>A node reading a value at input position <see cref="Input"/>.</summary>
internal readonly record struct ValueUse(NodeProto Node, int Input);
