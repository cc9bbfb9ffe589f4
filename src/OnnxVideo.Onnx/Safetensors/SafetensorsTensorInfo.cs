namespace OnnxVideo.Onnx.Safetensors;

/// <summary>
/// One tensor entry of a safetensors header. <see cref="Begin"/> and <see cref="End"/> are byte offsets relative to
/// the start of the data section (just after the header).
/// </summary>
internal sealed record SafetensorsTensorInfo(string Name, SafetensorsDType DType, long[] Shape, long Begin, long End)
{
    public long ByteLength => End - Begin;

    public long ElementCount
    {
        get
        {
            long count = 1;
            foreach (var dim in Shape)
            {
                count *= dim;
            }
            return count;
        }
    }

    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}
