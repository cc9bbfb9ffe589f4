using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Ort.Tests;

/// <summary>Models saved with external data, however low the threshold, still open in ONNX Runtime.</summary>
public sealed class ExternalDataSessionTests
{
    [Fact]
    public void ShapeInputsStayInlineAndTheModelRuns()
    {
        var g = new GraphBuilder("reshape_matmul");
        var x = g.Input("x", DataType.Float, 2, 6);
        var w = g.Initializer("w", Enumerable.Range(0, 12).Select(i => (float)i).ToArray(), 3, 4);
        var flat = g.Node("Reshape", [x, g.Initializer("shape", [4L, 3L], 2)]);
        var tiled = g.Node("Tile", [g.Node("MatMul", [flat, w]), g.Initializer("repeats", [1L, 2L], 2)]);
        g.Output(tiled, DataType.Float, 4, 8);
        using var dir = new TempDirectory();
        var path = dir.File("m.onnx");
        OnnxModelFile.Save(OnnxModels.Create(g.Graph), path, externalDataThreshold: 1);

        var stored = OnnxModelFile.Load(path, loadExternalData: false).Graph.Initializer.ToDictionary(t => t.Name, t => t.DataLocation);
        Assert.Equal(TensorProto.Types.DataLocation.External, stored["w"]);
        Assert.Equal(TensorProto.Types.DataLocation.Default, stored["shape"]);
        Assert.Equal(TensorProto.Types.DataLocation.Default, stored["repeats"]);

        using var session = new OrtSession(path);
        using var input = OrtValue.CreateTensor(Enumerable.Repeat(1f, 12).ToArray(), 2, 6);
        using var output = session.Run(["x"], [input])[0];
        Assert.Equal([4L, 8L], output.Shape);
        Assert.Equal(12f, output.ToArray<float>()[0]);
    }
}
