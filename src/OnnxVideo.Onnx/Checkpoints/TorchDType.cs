namespace OnnxVideo.Onnx.Checkpoints;

/// <summary>Element types of PyTorch storages a checkpoint may hold (by their <c>torch.*Storage</c> class).</summary>
public enum TorchDType
{
    Float32,
    Float16,
    BFloat16,
    Float64,
    Int64,
    Int32,
    Int16,
    Int8,
    UInt8,
    Bool,
}
