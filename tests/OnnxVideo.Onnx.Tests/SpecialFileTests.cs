using OnnxVideo.Onnx.Files;
using OnnxVideo.Onnx.Proto;
using OnnxVideo.Onnx.Safetensors;

namespace OnnxVideo.Onnx.Tests;

/// <summary>FIFOs, devices and links are judged by what they resolve to, before anything opens them.</summary>
public sealed class SpecialFileTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task ModelAndSafetensorsThatAreFifosAreRefusedWithoutBlocking()
    {
        var fifo = temp.File("model.onnx");
        PackageFifos.Make(fifo);
        var load = Task.Run(() => OnnxModelFile.Load(fifo));
        var open = Task.Run(() => SafetensorsFile.Open(fifo).Dispose());
        var both = Task.WhenAll(load, open);
        Assert.True(await Task.WhenAny(both, Task.Delay(TimeSpan.FromSeconds(30))) == both, "a FIFO was opened and blocked");
        var modelError = await Assert.ThrowsAsync<OnnxFormatException>(() => load);
        Assert.Contains("not a regular file", modelError.Message);
        await Assert.ThrowsAsync<SafetensorsFormatException>(() => open);
    }

    [Theory]
    [InlineData("/dev/zero")]
    [InlineData("/dev/null")]
    public void DevicesAreRefusedEvenThroughALink(string device)
    {
        var link = temp.File("weights.onnx");
        File.CreateSymbolicLink(link, device);
        var error = Assert.Throws<OnnxFormatException>(() => OnnxModelFile.Load(link));
        Assert.Equal(link, error.ModelPath);
        Assert.Contains("not a regular file", error.Message);
    }

    [Fact]
    public void ALinkNamedByTheUserToARegularModelIsFollowed()
    {
        var g = new GraphBuilder("tiny");
        var x = g.Input("x", TensorProto.Types.DataType.Float, 2);
        g.Output(g.Node("Relu", [x], name: "y"), TensorProto.Types.DataType.Float, 2);
        var real = temp.File("real.onnx");
        OnnxModelFile.Save(OnnxModels.Create(g.Graph), real);
        var link = temp.File("link.onnx");
        File.CreateSymbolicLink(link, real);
        Assert.Single(OnnxModelFile.Load(link).Graph.Node);
    }

    [Fact]
    public void FilesOfAFolderMustResolveInsideIt()
    {
        var folder = Directory.CreateDirectory(temp.File("pkg")).FullName;
        var inside = Path.Combine(folder, "a.bin");
        File.WriteAllBytes(inside, [1]);
        var outside = temp.Touch("outside.bin", "x");
        var linkIn = Path.Combine(folder, "in.bin");
        var linkOut = Path.Combine(folder, "out.bin");
        var linkUp = Path.Combine(folder, "up.bin");
        File.CreateSymbolicLink(linkIn, "a.bin");
        File.CreateSymbolicLink(linkOut, outside);
        File.CreateSymbolicLink(linkUp, "../outside.bin");

        Assert.Null(SafeFiles.ProblemInside(folder, inside));
        Assert.Null(SafeFiles.ProblemInside(folder, linkIn));
        Assert.Contains("outside its folder", SafeFiles.ProblemInside(folder, linkOut));
        Assert.Contains("outside its folder", SafeFiles.ProblemInside(folder, linkUp));
        Assert.Equal("file not found", SafeFiles.ProblemInside(folder, Path.Combine(folder, "absent.bin")));
        Assert.Contains("directory", SafeFiles.ProblemInside(folder, folder));
    }
}
