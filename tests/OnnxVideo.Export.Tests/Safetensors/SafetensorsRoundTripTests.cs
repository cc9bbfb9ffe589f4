using System.Buffers.Binary;
using System.Text;
using OnnxVideo.Onnx.Safetensors;

namespace OnnxVideo.Export.Tests.Safetensors;

public sealed class SafetensorsRoundTripTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void WrittenTensorsAndMetadataReadBackBitExact()
    {
        var path = _dir.File("a.safetensors");
        var weights = new float[] { 1.5f, -2.25f, 3e-8f, float.MaxValue, 0f, -0f };
        var index = new long[] { 7, -1, long.MaxValue };
        var halves = new[] { (Half)0.5f, (Half)(-3f) };
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["note"] = "quote \" and ünïcode" };
        SafetensorsWriter.WriteFile(path,
        [
            SafetensorsTensor.FromFloats("layer.weight", weights, 2, 3),
            SafetensorsTensor.FromInt64s("layer.index", index, 3),
            new SafetensorsTensor("h", SafetensorsDType.F16, [2], System.Runtime.InteropServices.MemoryMarshal.AsBytes(halves.AsSpan()).ToArray()),
            new SafetensorsTensor("empty", SafetensorsDType.F32, [0, 4], Array.Empty<byte>()),
            new SafetensorsTensor("flag", SafetensorsDType.BOOL, [], new byte[] { 1 }),
        ], metadata);

        using var file = SafetensorsFile.Open(path);
        Assert.Equal(5, file.Tensors.Count);
        Assert.Equal(weights, file.GetSpan<float>("layer.weight").ToArray());
        Assert.Equal(weights, file.ReadFloats("layer.weight"));
        Assert.Equal(new long[] { 2, 3 }, file.GetInfo("layer.weight").Shape);
        Assert.Equal(index, file.ReadInt64s("layer.index"));
        Assert.Equal(new[] { 0.5f, -3f }, file.ReadFloats("h"));
        Assert.Equal(0, file.GetBytes("empty").Length);
        Assert.Equal(new long[] { 1 }, file.ReadInt64s("flag"));
        Assert.Equal(metadata, file.Metadata);
        Assert.Equal(0, file.DataStart % 8);
    }

    [Fact]
    public void ReadsAHandWrittenFileInTheReferenceLayout()
    {
        // Layout per the format description: u64 LE header length, JSON header, then the raw bytes.
        var header = """{"b":{"dtype":"BF16","shape":[2],"data_offsets":[8,12]},"a":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}""";
        var headerBytes = Encoding.UTF8.GetBytes(header);
        var data = new byte[12];
        BinaryPrimitives.WriteDoubleLittleEndian(data, 0.1);
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(8), 0x3FC0);  // bf16 1.5
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(10), 0xC000); // bf16 -2
        var path = _dir.File("ref.safetensors");
        var bytes = new byte[8 + headerBytes.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)headerBytes.Length);
        headerBytes.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + headerBytes.Length);
        File.WriteAllBytes(path, bytes);

        using var file = SafetensorsFile.Open(path);
        Assert.Equal(new[] { "a", "b" }, file.Tensors.Select(t => t.Name));
        Assert.Equal(new[] { 0.1f }, file.ReadFloats("a"));
        Assert.Equal(new[] { 1.5f, -2f }, file.ReadFloats("b"));
        Assert.Empty(file.Metadata);
    }

    [Fact]
    public void StreamingWriterCopiesFromAnotherMappingAndAbandonedWriteLeavesDestinationUntouched()
    {
        var source = _dir.File("src.safetensors");
        SafetensorsWriter.WriteFile(source, [SafetensorsTensor.FromFloats("w", [1f, 2f, 3f], 3)]);
        var copy = _dir.File("copy.safetensors");
        using (var input = SafetensorsFile.Open(source))
        using (var writer = new SafetensorsWriter(copy, input.Tensors.Select(t => new SafetensorsTensorSpec(t.Name, t.DType, t.Shape)).ToList()))
        {
            foreach (var t in input.Tensors)
            {
                writer.WriteTensor(t.Name, input.GetBytes(t));
            }
            writer.Commit();
        }
        Assert.Equal(File.ReadAllBytes(source), File.ReadAllBytes(copy));

        using (var abandoned = new SafetensorsWriter(copy, [new SafetensorsTensorSpec("other", SafetensorsDType.F32, [1])]))
        {
            abandoned.WriteTensor("other", new[] { 9f }.AsSpan());
        }
        Assert.Equal(File.ReadAllBytes(source), File.ReadAllBytes(copy));
        Assert.Equal(new[] { "copy.safetensors", "src.safetensors" }, Directory.GetFiles(_dir.Path).Select(Path.GetFileName).Order());
    }
}
