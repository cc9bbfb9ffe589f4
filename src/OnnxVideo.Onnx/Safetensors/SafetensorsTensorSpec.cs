namespace OnnxVideo.Onnx.Safetensors;

/// <summary>Name, element type and shape of a tensor to be written by <see cref="SafetensorsWriter"/>.</summary>
internal sealed record SafetensorsTensorSpec(string Name, SafetensorsDType DType, long[] Shape)
{
    public long ByteLength
    {
        get
        {
            long count = SafetensorsDTypes.ElementSize(DType);
            foreach (var dim in Shape)
            {
                count = checked(count * dim);
            }
            return count;
        }
    }
}
