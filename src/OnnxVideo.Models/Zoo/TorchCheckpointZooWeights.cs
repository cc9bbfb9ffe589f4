using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Checkpoints;
using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Models.Zoo;

/// <summary>Zoo weights from a PyTorch checkpoint (<c>torch.save</c> of a state dict); float16/bfloat16/float64 become float32.</summary>
internal sealed class TorchCheckpointZooWeights(TorchCheckpointFile file) : IZooWeightsFile
{
    public string Path => file.Path;

    public IReadOnlyList<string> Names { get; } = file.Tensors.Select(t => t.Name).ToList();

    public bool TryGetShape(string name, out long[] shape)
    {
        var found = file.TryGetInfo(name, out var info);
        shape = found ? info.Shape.ToArray() : [];
        return found;
    }

    public TensorProto ReadParameter(string name, string parameter, long[] shape)
    {
        file.TryGetInfo(name, out var info);
        if (!TorchDTypes.IsFloatingPoint(info.DType))
        {
            throw new TorchCheckpointException(file.Path, $"tensor '{name}' is {info.DType}; a floating-point parameter was expected");
        }
        return TensorProtos.FromFloats(parameter, file.ReadFloats(name), shape);
    }

    public void Dispose() => file.Dispose();
}
