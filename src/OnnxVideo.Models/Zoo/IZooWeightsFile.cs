using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Models.Zoo;

/// <summary>A file of named tensors that zoo parameters can be taken from (safetensors or a PyTorch checkpoint).</summary>
internal interface IZooWeightsFile : IDisposable
{
    string Path { get; }

    /// <summary>Every tensor name in the file, in file order.</summary>
    IReadOnlyList<string> Names { get; }

    bool TryGetShape(string name, out long[] shape);

    /// <summary>The tensor as a float32 initializer named <paramref name="parameter"/>; its shape is <paramref name="shape"/>.</summary>
    TensorProto ReadParameter(string name, string parameter, long[] shape);
}
