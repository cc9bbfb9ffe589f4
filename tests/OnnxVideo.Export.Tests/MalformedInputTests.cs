using System.Buffers.Binary;
using System.Text;
using OnnxVideo.Onnx.Safetensors;

namespace OnnxVideo.Export.Tests;

/// <summary>Malformed safetensors and ONNX files: each must give a typed error naming the file and the problem.</summary>
public sealed class MalformedInputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("malformed-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static byte[] Safetensors(string header, int dataBytes, ulong? declaredHeaderLength = null)
    {
        var json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, declaredHeaderLength ?? (ulong)json.Length);
        json.CopyTo(bytes, 8);
        return bytes;
    }

    private const string OneF32 = """{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""";

    public static TheoryData<string, byte[], string> MalformedSafetensors => new()
    {
        { "empty file", [], "truncated" },
        { "shorter than the length prefix", [1, 2, 3], "truncated" },
        { "header length huge", Safetensors(OneF32, 8, declaredHeaderLength: 1UL << 40), "exceeds" },
        { "header length near u64 max", Safetensors(OneF32, 8, declaredHeaderLength: ulong.MaxValue - 3), "exceeds" },
        { "header past end of file", Safetensors(OneF32, 8, declaredHeaderLength: 4000), "past the end of the file" },
        { "bad JSON", Safetensors("""{"w":{"dtype":"F32",""", 0), "not well-formed JSON" },
        { "invalid UTF-8 in header", Safetensors("{\"w\xff\":1}", 0).Select(b => b == 0xC3 ? (byte)0xFF : b).ToArray(), "JSON" },
        { "header is an array", Safetensors("[1,2]", 0), "must be a JSON object" },
        { "tensor entry not an object", Safetensors("""{"w":5}""", 0), "must be an object" },
        { "overlapping offsets", Safetensors("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", 12), "overlaps" },
        { "gap between tensors", Safetensors("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}""", 12), "gap" },
        { "data past end of file", Safetensors("""{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}""", 8), "past the end of the data section" },
        { "trailing bytes after tensors", Safetensors(OneF32, 12), "cover only" },
        { "dtype x shape mismatch", Safetensors("""{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""", 8), "needs 12 bytes" },
        { "duplicate names", Safetensors("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", 8), "duplicate entry 'a'" },
        { "unknown dtype", Safetensors("""{"a":{"dtype":"F128","shape":[1],"data_offsets":[0,16]}}""", 16), "unknown dtype 'F128'" },
        { "negative dimension", Safetensors("""{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}""", 8), "negative dimension" },
        { "fractional dimension", Safetensors("""{"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}""", 4), "not an integer" },
        { "shape overflowing int64", Safetensors("""{"a":{"dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[0,8]}}""", 8), "too large" },
        { "offsets reversed", Safetensors("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}""", 4), "invalid data_offsets" },
        { "three offsets", Safetensors("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}}""", 4), "must have 2 entries" },
        { "missing dtype", Safetensors("""{"a":{"shape":[1],"data_offsets":[0,4]}}""", 4), "no string 'dtype'" },
        { "metadata not strings", Safetensors("""{"__metadata__":{"epoch":3}}""", 0), "must be a string" },
        { "empty tensor name", Safetensors("""{"":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}""", 1), "empty name" },
    };

    [Theory]
    [MemberData(nameof(MalformedSafetensors))]
    public void MalformedSafetensorsGiveTypedErrorNamingFileAndProblem(string caseName, byte[] content, string expectedProblem)
    {
        var path = Path.Combine(_dir, caseName.Replace(' ', '_') + ".safetensors");
        File.WriteAllBytes(path, content);
        var error = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Open(path).Dispose());
        Assert.Equal(path, error.FilePath);
        Assert.Contains(path, error.Message);
        Assert.Contains(expectedProblem, error.Problem);
    }

    [Fact]
    public void MissingSafetensorsFileIsFileNotFound()
    {
        var path = Path.Combine(_dir, "absent.safetensors");
        var error = Assert.Throws<FileNotFoundException>(() => SafetensorsFile.Open(path));
        Assert.Contains(path, error.Message);
    }
}
