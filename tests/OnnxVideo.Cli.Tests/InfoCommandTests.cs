using System.Text.Json;
using OnnxVideo.Cli.Commands;
using OnnxVideo.Media;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Cli.Tests;

public sealed class InfoCommandTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), $"onnxvideo-info-{Guid.NewGuid():N}");

    public InfoCommandTests() => Directory.CreateDirectory(folder);

    public void Dispose() => Directory.Delete(folder, recursive: true);

    // Conv3-D (4×2×3×3×3 weights + 4 biases = 220 parameters) → global pool → flatten, with a contract.
    private string SaveModel(bool withContract = true, long externalThreshold = long.MaxValue)
    {
        var g = new GraphBuilder("tiny_video");
        var x = g.Input("clips", DataType.Float, "N", 2, 4, 8, 8);
        var conv = g.Node("Conv", [x, g.Initializer("w", new float[216], 4, 2, 3, 3, 3), g.Initializer("b", new float[4], 4)]);
        var logits = g.Node("Flatten", [g.Node("GlobalAveragePool", [conv])]);
        g.Output(logits, DataType.Float, "N", 4);
        var model = OnnxModels.Create(g.Graph);
        if (withContract)
        {
            var contract = new PreprocessingContract { Frames = 4, CropSize = 8, ResizeShortSide = 10, Labels = ["cat", "dog", "eel", "fox"] };
            ModelMetadata.Set(model, PreprocessingContract.MetadataKey, contract.ToJson());
        }

        ModelMetadata.Set(model, "author", "info tests");
        var path = Path.Combine(folder, "tiny.onnx");
        OnnxModelFile.Save(model, path, externalThreshold);
        return path;
    }

    private static (int Exit, string Output, string Error) Run(string path, bool json = false)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = InfoCommand.Run(path, json, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public void TextReportShowsModelContractAndProviders()
    {
        var (exit, output, error) = Run(SaveModel());
        Assert.Equal(0, exit);
        Assert.Empty(error);
        Assert.Contains("clips: float32[N, 2, 4, 8, 8]", output);
        Assert.Matches(@"Flatten\w*: float32\[N, 4\]", output);
        Assert.Contains("Parameters      220", output);
        Assert.Contains("ai.onnx 17", output);
        Assert.Contains("author = info tests", output);
        Assert.Contains("frames        4 (UniformSegments)", output);
        Assert.Contains("labels (4)    cat, dog, eel, fox", output);
        Assert.Contains("ONNX Runtime    1.", output);
        Assert.Matches(@"Cpu\s+usable", output);
        Assert.Matches(@"Compiled in .*CPUExecutionProvider", output);
        Assert.Matches(@"Cuda\s+not usable: .*CPU-only build", output);
    }

    [Fact]
    public void JsonReportCarriesTheSameFacts()
    {
        var path = SaveModel(externalThreshold: 100);
        var (exit, output, _) = Run(path, json: true);
        Assert.Equal(0, exit);
        using var document = JsonDocument.Parse(output);
        var root = document.RootElement;
        Assert.Equal(220, root.GetProperty("parameterCount").GetInt64());
        Assert.Equal(216 * 4, root.GetProperty("externalDataBytes").GetInt64());
        Assert.Equal(new FileInfo(path).Length, root.GetProperty("fileSizeBytes").GetInt64());
        Assert.Equal(17, root.GetProperty("opsets").GetProperty("ai.onnx").GetInt64());
        var input = root.GetProperty("inputs")[0];
        Assert.Equal("clips", input.GetProperty("name").GetString());
        Assert.Equal("Float", input.GetProperty("elementType").GetString());
        Assert.Equal(-1, input.GetProperty("shape")[0].GetInt64());
        Assert.Equal(4, root.GetProperty("contract").GetProperty("frames").GetInt32());
        Assert.Contains(root.GetProperty("executionProviders").EnumerateArray(),
            p => p.GetProperty("provider").GetString() == "Cpu" && p.GetProperty("isUsable").GetBoolean());
    }

    [Fact]
    public void ModelWithoutContractSaysSo()
    {
        var (exit, output, _) = Run(SaveModel(withContract: false));
        Assert.Equal(0, exit);
        Assert.Contains("Preprocessing contract: none", output);
    }

    [Fact]
    public void MissingFileIsAOneLineErrorNamingIt()
    {
        var path = Path.Combine(folder, "absent.onnx");
        var (exit, output, error) = Run(path);
        Assert.NotEqual(0, exit);
        Assert.Empty(output);
        Assert.Contains(path, error);
        Assert.Contains("not found", error);
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public void MalformedFileIsAOneLineErrorNamingIt()
    {
        var path = Path.Combine(folder, "garbage.onnx");
        var bytes = new byte[300];
        new Random(5).NextBytes(bytes);
        File.WriteAllBytes(path, bytes);
        var (exit, _, error) = Run(path);
        Assert.NotEqual(0, exit);
        Assert.Contains(path, error);
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public void ExternalDataLeavingTheFolderIsRefusedBeforeOrtOpensIt()
    {
        var g = new GraphBuilder("escape");
        var x = g.Input("x", DataType.Float, 4);
        var weights = TensorProtos.FromFloats("w", new float[4], 4);
        weights.DataLocation = TensorProto.Types.DataLocation.External;
        weights.RawData = Google.Protobuf.ByteString.Empty;
        weights.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "../../etc/passwd" });
        g.AddInitializer(weights);
        g.Output(g.Node("Add", [x, "w"]), DataType.Float, 4);
        var path = Path.Combine(folder, "escape.onnx");
        File.WriteAllBytes(path, OnnxModelFile.ToBytes(OnnxModels.Create(g.Graph)));
        var (exit, _, error) = Run(path);
        Assert.NotEqual(0, exit);
        Assert.Contains("leaves the model's folder", error);
    }

    [Fact]
    public void InfoIsRegisteredWithTheCli()
    {
        Assert.NotEqual(0, Program.Main(["info", Path.Combine(folder, "absent.onnx")]));
        Assert.Equal(0, Program.Main(["info", SaveModel(), "--json"]));
    }
}
