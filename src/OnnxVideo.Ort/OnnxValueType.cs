namespace OnnxVideo.Ort;

/// <summary>The kind of an ONNX value (ORT's ONNXType).</summary>
public enum OnnxValueType
{
    Unknown = 0,
    Tensor = 1,
    Sequence = 2,
    Map = 3,
    Opaque = 4,
    SparseTensor = 5,
    Optional = 6,
}
