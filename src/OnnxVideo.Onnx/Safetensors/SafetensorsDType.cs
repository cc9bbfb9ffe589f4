namespace OnnxVideo.Onnx.Safetensors;

/// <summary>Element types of the safetensors format, named as they appear in the header.</summary>
internal enum SafetensorsDType
{
    BOOL,
    U8,
    I8,
    I16,
    U16,
    F16,
    BF16,
    I32,
    U32,
    F32,
    I64,
    U64,
    F64,
}
