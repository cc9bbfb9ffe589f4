using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;
using OnnxVideo.Onnx.Safetensors;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Models.Zoo;

/// <summary>Zoo weights from a safetensors file; F32 tensors go straight from the file mapping into the model.</summary>
internal sealed class SafetensorsZooWeights(SafetensorsFile file) : IZooWeightsFile
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
        var info = file.GetInfo(name);
        return info.DType switch
        {
            SafetensorsDType.F32 => TensorProtos.FromRaw(parameter, DataType.Float, file.GetBytes(info), shape, info.ElementCount),
            SafetensorsDType.F16 or SafetensorsDType.BF16 or SafetensorsDType.F64 => TensorProtos.FromFloats(parameter, file.ReadFloats(name), shape),
            _ => throw new SafetensorsFormatException(file.Path, $"tensor '{name}' is {info.DType}; a floating-point parameter was expected"),
        };
    }

    public void Dispose() => file.Dispose();
}
