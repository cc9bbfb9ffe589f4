using Google.Protobuf;
using OnnxVideo.Onnx.Proto;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Onnx.Tests;

public class OnnxModelFileTests
{
    private static ModelProto SmallModel(int weightCount = 1000)
    {
        var g = new GraphBuilder("small");
        var x = g.Input("x", DataType.Float, "N", weightCount);
        var w = g.Initializer("w", Enumerable.Range(0, weightCount).Select(i => i * 0.5f).ToArray(), weightCount);
        var y = g.Node("Mul", [x, w], name: "y");
        g.Output(y, DataType.Float, "N", weightCount);
        var model = OnnxModels.Create(g.Graph);
        ModelMetadata.Set(model, "k", "v1");
        ModelMetadata.Set(model, "k", "v2");
        return model;
    }

    [Fact]
    public void RoundTripKeepsGraphAndMetadata()
    {
        using var dir = new TempDirectory();
        var path = dir.File("m.onnx");
        OnnxModelFile.Save(SmallModel(), path);
        var loaded = OnnxModelFile.Load(path);
        Assert.Equal("v2", ModelMetadata.Get(loaded, "k"));
        Assert.Single(loaded.MetadataProps);
        Assert.Equal(17, OnnxModels.DefaultOpset(loaded));
        Assert.Equal(499.5f, TensorProtos.ToFloats(loaded.Graph.Initializer[0])[999]);
        Assert.Equal("N", loaded.Graph.Input[0].Type.TensorType.Shape.Dim[0].DimParam);
    }

    [Fact]
    public void LargeTensorsGoToExternalDataAndComeBack()
    {
        using var dir = new TempDirectory();
        var path = dir.File("m.onnx");
        var model = SmallModel();
        OnnxModelFile.Save(model, path, externalDataThreshold: 1024);
        Assert.True(File.Exists(path + ".data"));
        Assert.Equal(4000, new FileInfo(path + ".data").Length);
        Assert.True(model.Graph.Initializer[0].RawData.Length == 4000, "the caller's model is not modified");
        var withoutData = OnnxModelFile.Load(path, loadExternalData: false);
        Assert.Equal(TensorProto.Types.DataLocation.External, withoutData.Graph.Initializer[0].DataLocation);
        var loaded = OnnxModelFile.Load(path);
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => i * 0.5f), TensorProtos.ToFloats(loaded.Graph.Initializer[0]));
    }

    public static TheoryData<string> EscapingLocations => new() { "../secret.bin", "sub/../../secret.bin", "/etc/passwd", "a\\..\\b" };

    [Theory]
    [MemberData(nameof(EscapingLocations))]
    public void ExternalDataOutsideTheFolderIsRefused(string location)
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("inner"));
        File.WriteAllBytes(dir.File("secret.bin"), new byte[4000]);
        var path = dir.File("inner/m.onnx");
        WriteWithLocation(path, location);
        var e = Assert.Throws<OnnxFormatException>(() => OnnxModelFile.Load(path));
        Assert.Contains("leaves the model's folder", e.Message);
        Assert.Equal(path, e.ModelPath);
    }

    [Fact]
    public void ExternalDataThroughASymlinkIsRefused()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("inner"));
        File.WriteAllBytes(dir.File("secret.bin"), new byte[4000]);
        File.CreateSymbolicLink(dir.File("inner/w.data"), dir.File("secret.bin"));
        var path = dir.File("inner/m.onnx");
        WriteWithLocation(path, "w.data");
        var e = Assert.Throws<OnnxFormatException>(() => OnnxModelFile.Load(path));
        Assert.Contains("symbolic link", e.Message);
    }

    [Fact]
    public void ExternalDataRangeBeyondTheFileIsRefused()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("w.data"), new byte[100]);
        var path = dir.File("m.onnx");
        WriteWithLocation(path, "w.data");
        var e = Assert.Throws<OnnxFormatException>(() => OnnxModelFile.Load(path));
        Assert.Contains("outside", e.Message);
    }

    private static void WriteWithLocation(string path, string location)
    {
        var model = SmallModel();
        var t = model.Graph.Initializer[0];
        t.RawData = ByteString.Empty;
        t.DataLocation = TensorProto.Types.DataLocation.External;
        t.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
        t.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = "4000" });
        File.WriteAllBytes(path, model.ToByteArray());
    }

    [Fact]
    public void MalformedFilesGiveTypedErrors()
    {
        using var dir = new TempDirectory();
        var good = SmallModel().ToByteArray();
        var random = new byte[4096];
        new Random(7).NextBytes(random);
        var cases = new Dictionary<string, byte[]>
        {
            ["empty.onnx"] = [],
            ["random.onnx"] = random,
            ["truncated.onnx"] = good[..(good.Length / 2)],
            ["text.onnx"] = "hello, not a model\n"u8.ToArray(),
        };
        foreach (var (name, bytes) in cases)
        {
            var path = dir.File(name);
            File.WriteAllBytes(path, bytes);
            var e = Assert.Throws<OnnxFormatException>(() => OnnxModelFile.Load(path));
            Assert.StartsWith(path, e.Message);
        }
        Assert.Contains("not found", Assert.Throws<OnnxFormatException>(() => OnnxModelFile.Load(dir.File("missing.onnx"))).Message);
    }
}
