using System.Runtime.InteropServices;

namespace OnnxVideo.Onnx.Safetensors;

/// <summary>A tensor held in managed memory, ready for <see cref="SafetensorsWriter.WriteFile"/>.</summary>
internal sealed record SafetensorsTensor(string Name, SafetensorsDType DType, long[] Shape, ReadOnlyMemory<byte> Data)
{
    public SafetensorsTensorSpec Spec => new(Name, DType, Shape);

    public static SafetensorsTensor FromFloats(string name, float[] data, params long[] shape) =>
        new(name, SafetensorsDType.F32, shape, MemoryMarshal.AsBytes(data.AsSpan()).ToArray());

    public static SafetensorsTensor FromInt64s(string name, long[] data, params long[] shape) =>
        new(name, SafetensorsDType.I64, shape, MemoryMarshal.AsBytes(data.AsSpan()).ToArray());
}
