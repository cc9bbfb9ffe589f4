using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;
using OnnxVideo.Onnx.Safetensors;

namespace OnnxVideo.Export.Tests.Zoo;

internal static class ZooTestWeights
{
    /// <summary>The model's initializers as safetensors tensors, optionally edited.</summary>
    public static List<SafetensorsTensor> FromModel(ModelProto model) =>
        model.Graph.Initializer
            .Select(t => SafetensorsTensor.FromFloats(t.Name, TensorProtos.ToFloats(t), t.Dims.ToArray()))
            .ToList();
}
