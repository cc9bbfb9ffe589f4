namespace OnnxVideo.Onnx.Checkpoints;

/// <summary>One tensor of a state dict: its key, element type and shape.</summary>
public sealed class TorchTensorInfo
{
    internal TorchTensorInfo(string name, TorchTensorRef tensor)
    {
        Name = name;
        Tensor = tensor;
    }

    public string Name { get; }
    public TorchDType DType => Tensor.Storage.DType;
    public IReadOnlyList<long> Shape => Tensor.Shape;
    public long ElementCount => Tensor.ElementCount;

    internal TorchTensorRef Tensor { get; }
}
