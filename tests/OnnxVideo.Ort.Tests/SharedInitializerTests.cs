using OnnxVideo.Onnx;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Ort.Tests;

public sealed class SharedInitializerTests
{
    private static byte[] AddWeightModel()
    {
        var g = new GraphBuilder("add_weight");
        var x = g.Input("x", DataType.Float, 1, 4);
        g.Output(TestModels.Rename(g, g.Node("Add", [x, g.Initializer("w", new float[4], 1, 4)]), "y"), DataType.Float, 1, 4);
        return TestModels.ToBytes(g);
    }

    [Fact]
    public void OneInitializerServesTwoSessions()
    {
        var model = AddWeightModel();
        using var weights = OrtValue.CreateTensor(new float[] { 10, 20, 30, 40 }, 1, 4);
        var (first, second) = CreateSessions(model, weights);
        using (first)
        using (second)
        using (var plain = new OrtSession(model))
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            using var x = OrtValue.CreateTensor(new float[] { 1, 2, 3, 4 }, 1, 4);
            using var y1 = first.Run(["x"], [x])[0];
            using var y2 = second.Run(["x"], [x])[0];
            using var y0 = plain.Run(["x"], [x])[0];
            Assert.Equal(new float[] { 11, 22, 33, 44 }, y1.ToArray<float>());
            Assert.Equal(new float[] { 11, 22, 33, 44 }, y2.ToArray<float>());
            Assert.Equal(new float[] { 1, 2, 3, 4 }, y0.ToArray<float>());
        }
    }

    [Fact]
    public void InitializerOfWrongShapeIsReportedByOrt()
    {
        using var weights = OrtValue.CreateTensor(new float[] { 1, 2, 3 }, 1, 3);
        var options = new OrtSessionOptions().AddInitializer("w", weights);
        using var session = new OrtSession(AddWeightModel(), options);
        using var x = OrtValue.CreateTensor(new float[4], 1, 4);
        var error = Assert.Throws<OrtException>(() => session.Run(["x"], [x]));
        Assert.NotEmpty(error.OrtMessage);
    }

    // Options go out of scope here: the sessions alone keep the shared value referenced.
    private static (OrtSession, OrtSession) CreateSessions(byte[] model, OrtValue weights)
    {
        var options = new OrtSessionOptions { IntraOpThreads = 1 }.AddInitializer("w", weights);
        return (new OrtSession(model, options), new OrtSession(model, options));
    }
}
