using OnnxVideo.Models.Adversarial;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;
using OnnxVideo.Training.Adversarial;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Training.Tests.Adversarial;

/// <summary>The input-gradient graph against central finite differences of its own loss (gradient-check style).</summary>
public sealed class InputGradientFiniteDifferenceTests
{
    private const int Batch = 2;
    private const int SampleElements = 3 * 2 * 4 * 4;

    /// <summary>video [N, 3, 2, 4, 4] → Conv3d → BatchNorm (inference) → Tanh → GlobalAveragePool → Flatten → Gemm → logits [N, 3]: smooth, so differences are exact to O(h²).</summary>
    private static ModelProto SmoothClassifier()
    {
        var rng = new Random(3);
        float[] Random(int n, double scale) => Enumerable.Range(0, n).Select(_ => (float)((rng.NextDouble() * 2 - 1) * scale)).ToArray();
        var g = new GraphBuilder("smooth");
        var video = g.Input("video", DataType.Float, "N", 3, 2, 4, 4);
        g.Initializer("conv.weight", Random(4 * 3 * 27, 0.4), 4, 3, 3, 3, 3);
        var conv = g.Node("Conv", [video, "conv.weight"], new Dictionary<string, object> { ["pads"] = new long[] { 1, 1, 1, 1, 1, 1 } });
        g.Initializer("bn.scale", Random(4, 1).Select(v => v + 1.5f).ToArray(), 4);
        g.Initializer("bn.bias", Random(4, 0.3), 4);
        g.Initializer("bn.mean", Random(4, 0.2), 4);
        g.Initializer("bn.var", Random(4, 0.3).Select(v => v + 1f).ToArray(), 4);
        var bn = g.Node("BatchNormalization", [conv, "bn.scale", "bn.bias", "bn.mean", "bn.var"]);
        var pooled = g.Node("Flatten", [g.Node("GlobalAveragePool", [g.Node("Tanh", [bn])])]);
        g.Initializer("fc.weight", Random(3 * 4, 1.5), 3, 4);
        g.Initializer("fc.bias", Random(3, 0.1), 3);
        var logits = g.Node("Gemm", [pooled, "fc.weight", "fc.bias"], new Dictionary<string, object> { ["transB"] = 1L }, name: "logits");
        g.Output(logits, DataType.Float, "N", 3);
        return OnnxModels.Create(g.Graph);
    }

    [Fact]
    public void Gradient_matches_central_differences()
    {
        var graph = InputGradientGraph.FromInferenceModel(SmoothClassifier(), "smooth");
        using var session = new Ort.OrtSession(OnnxModelFile.ToBytes(graph), new Ort.OrtSessionOptions { IntraOpThreads = 1 }, "smooth");
        var rng = new Random(7);
        var x = Enumerable.Range(0, Batch * SampleElements).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        int[] labels = [2, 0];
        var (_, analytic) = Run(session, x, labels);
        Assert.True(analytic.Max(Math.Abs) > 1e-4f, "the gradient is not all zeros");
        const float h = 1e-2f;
        foreach (var i in Enumerable.Range(0, 24).Select(_ => rng.Next(x.Length)))
        {
            var plus = (float[])x.Clone();
            plus[i] += h;
            var minus = (float[])x.Clone();
            minus[i] -= h;
            var numeric = (Run(session, plus, labels).Loss - Run(session, minus, labels).Loss) / (2 * h);
            Assert.True(Math.Abs(numeric - analytic[i]) <= 2e-4 + 1e-2 * Math.Abs(numeric), $"value {i}: analytic {analytic[i]}, numeric {numeric}");
        }
    }

    private static (float Loss, float[] Gradient) Run(Ort.OrtSession session, float[] x, int[] labels)
    {
        using var video = Ort.OrtValue.CreateTensor(x, Batch, 3, 2, 4, 4);
        using var label = Ort.OrtValue.CreateTensor(labels.Select(l => (long)l).ToArray(), Batch);
        var outputs = session.Run(["video", InputGradientGraph.LabelsName], [video, label], [InputGradientGraph.LossName, InputGradientGraph.VideoGradientName]);
        try
        {
            return (outputs[0].ToArray<float>()[0], outputs[1].ToArray<float>());
        }
        finally
        {
            foreach (var o in outputs) o.Dispose();
        }
    }
}
