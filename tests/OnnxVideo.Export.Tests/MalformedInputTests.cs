using System.Buffers.Binary;
using System.Text;
using Google.Protobuf;
using OnnxVideo.Models.Zoo;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;
using OnnxVideo.Onnx.Safetensors;
using OnnxVideo.Ort;

namespace OnnxVideo.Export.Tests;

/// <summary>Malformed safetensors and ONNX files: each must give a typed error naming the file and the problem.</summary>
public sealed class MalformedInputTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

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
        var path = _dir.File(caseName.Replace(' ', '_') + ".safetensors");
        File.WriteAllBytes(path, content);
        var error = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Open(path).Dispose());
        Assert.Equal(path, error.FilePath);
        Assert.Contains(path, error.Message);
        Assert.Contains(expectedProblem, error.Problem);
    }

    [Fact]
    public void MissingSafetensorsFileIsFileNotFound()
    {
        var path = _dir.File("absent.safetensors");
        var error = Assert.Throws<FileNotFoundException>(() => SafetensorsFile.Open(path));
        Assert.Contains(path, error.Message);
    }

    public static TheoryData<string, string> MalformedOnnx => new()
    {
        { "empty file", "empty file" },
        { "random bytes", "not an ONNX model" },
        { "truncated model", "not an ONNX model" },
        { "protobuf without a graph", "no graph" },
        { "ir_version 0", "ir_version 0" },
        { "external data pointing at ../x", "leaves the model's folder" },
        { "external data at an absolute path", "leaves the model's folder" },
        { "external data file missing", "not found" },
        { "external data range past end of file", "outside" },
        { "external data negative offset", "not a non-negative integer" },
        { "missing model file", "file not found" },
    };

    [Theory]
    [MemberData(nameof(MalformedOnnx))]
    public void MalformedOnnxGivesTypedErrorNamingFileAndProblem(string caseName, string expectedProblem)
    {
        var path = _dir.File(caseName.Replace(' ', '_').Replace('/', '_') + ".onnx");
        var valid = OnnxModelFile.ToBytes(TinyModel());
        switch (caseName)
        {
            case "empty file":
                File.WriteAllBytes(path, []);
                break;
            case "random bytes":
                var junk = new byte[4096];
                new Random(42).NextBytes(junk);
                File.WriteAllBytes(path, junk);
                break;
            case "truncated model":
                File.WriteAllBytes(path, valid[..(valid.Length / 2)]);
                break;
            case "protobuf without a graph":
                File.WriteAllBytes(path, new ModelProto { IrVersion = 8 }.ToByteArray());
                break;
            case "ir_version 0":
                var noVersion = TinyModel();
                noVersion.IrVersion = 0;
                File.WriteAllBytes(path, noVersion.ToByteArray());
                break;
            case "external data pointing at ../x":
                File.WriteAllBytes(path, WithExternalData("../x", "0", "16").ToByteArray());
                break;
            case "external data at an absolute path":
                File.WriteAllBytes(path, WithExternalData("/etc/passwd", "0", "16").ToByteArray());
                break;
            case "external data file missing":
                File.WriteAllBytes(path, WithExternalData("weights.bin", "0", "16").ToByteArray());
                break;
            case "external data range past end of file":
                File.WriteAllBytes(_dir.File("short.bin"), new byte[8]);
                File.WriteAllBytes(path, WithExternalData("short.bin", "0", "16").ToByteArray());
                break;
            case "external data negative offset":
                File.WriteAllBytes(_dir.File("w.bin"), new byte[16]);
                File.WriteAllBytes(path, WithExternalData("w.bin", "-4", "16").ToByteArray());
                break;
            case "missing model file":
                break;
            default:
                throw new ArgumentException(caseName);
        }
        var error = Assert.Throws<OnnxFormatException>(() => OnnxModelFile.Load(path));
        Assert.Equal(path, error.ModelPath);
        Assert.Contains(expectedProblem, error.Message);
    }

    [Fact]
    public void WellFormedOnnxThatOrtCannotRunIsAnOrtExceptionWithOrtsMessage()
    {
        var model = TinyModel();
        model.Graph.Node[0].OpType = "NoSuchOperator";
        var error = Assert.Throws<OrtException>(() => new OrtSession(OnnxModelFile.ToBytes(model), new OrtSessionOptions(), "unknown-op.onnx").Dispose());
        Assert.Contains("NoSuchOperator", error.Message);
    }

    [Fact]
    public void SafetensorsWithANonFloatParameterIsATypedErrorWhenBuildingAZooModel()
    {
        var tensors = ZooTestWeightsFromTiny();
        var index = tensors.FindIndex(t => t.Name == "fc.bias");
        tensors[index] = new SafetensorsTensor("fc.bias", SafetensorsDType.I32, [2], new byte[8]);
        var path = _dir.File("int-bias.safetensors");
        SafetensorsWriter.WriteFile(path, tensors);
        var error = Assert.Throws<SafetensorsFormatException>(() => ModelZoo.Build("tiny3d", new ZooOptions { Classes = 2, WeightsPath = path }));
        Assert.Contains("'fc.bias' is I32", error.Message);
    }

    private static List<SafetensorsTensor> ZooTestWeightsFromTiny() =>
        Zoo.ZooTestWeights.FromModel(ModelZoo.Build("tiny3d", new ZooOptions { Classes = 2 }));

    /// <summary>y = x + w with a 4-float initializer w.</summary>
    private static ModelProto TinyModel()
    {
        var g = new GraphBuilder("tiny");
        var x = g.Input("x", TensorProto.Types.DataType.Float, 4);
        var w = g.Initializer("w", [1f, 2f, 3f, 4f], 4);
        var y = g.Node("Add", [x, w], name: "y");
        g.Output(y, TensorProto.Types.DataType.Float, 4);
        return OnnxModels.Create(g.Graph);
    }

    private static ModelProto WithExternalData(string location, string offset, string length)
    {
        var model = TinyModel();
        var w = model.Graph.Initializer.Single();
        w.RawData = ByteString.Empty;
        w.DataLocation = TensorProto.Types.DataLocation.External;
        w.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
        w.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset });
        w.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = length });
        return model;
    }
}
