namespace OnnxVideo.Onnx.Checkpoints;

/// <summary>A storage a checkpoint's pickle refers to by persistent id: its key in the file, element type and length.</summary>
internal sealed record TorchStorageRef(string Key, TorchDType DType, long ElementCount)
{
    public long ByteLength => checked(ElementCount * TorchDTypes.ElementSize(DType));
}
