namespace OnnxVideo.Onnx.Shapes;

/// <summary>Geometry of one spatial axis of a Conv or pooling node, with explicit pads.</summary>
internal readonly record struct ConvAxis(long In, long Kernel, long Stride, long Dilation, long PadBegin, long PadEnd, long Out);
