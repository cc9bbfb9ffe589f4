using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Onnx.Shapes;

/// <summary>The ONNX element types shape rules produce by themselves.</summary>
internal static class ElementTypes
{
    public const int Float = (int)TensorProto.Types.DataType.Float;
    public const int Int64 = (int)TensorProto.Types.DataType.Int64;
    public const int Bool = (int)TensorProto.Types.DataType.Bool;
}
