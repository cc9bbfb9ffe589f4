using OnnxVideo.Autodiff;
using OnnxVideo.Onnx;
using OnnxVideo.Ort;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Export.Tests.Autodiff;

public sealed class AutoDiffBehaviourTests
{
    private static readonly OrtSessionOptions Options = new() { IntraOpThreads = 1, InterOpThreads = 1 };

    private static Dictionary<string, object> Keep0 => new() { ["keepdims"] = 0L };

    /// <summary>
    /// With a symbolic batch, a Reshape's gradient takes a constant target (−1 for the batch) instead of Shape(input),
    /// which would keep the forward input alive until the backward pass reached it (issue 17, lever 19: r2plus1d_18's
    /// LoRA step peaked 900 MB higher that way).
    /// </summary>
    [Fact]
    public void ReshapeGradientsWithASymbolicBatchReadNoShapeOfTheForwardValue()
    {
        var g = new GraphBuilder("reshape_batch");
        var x = g.Input("x", DataType.Float, "N", 6);
        var w = g.Input("w", DataType.Float, 6);
        var scaled = g.Node("Mul", [x, w], name: "scaled");
        var split = g.Node("Reshape", [scaled, g.Constant([-1L, 2, 3])], name: "split");
        var loss = g.Node("ReduceSum", [g.Node("Mul", [split, split])], Keep0);
        var gradients = AutoDiff.AppendGradients(g, loss, ["w"]).Gradients;
        Assert.Equal(["split"], g.Graph.Node.Where(n => n.Input.Contains(scaled)).Select(n => n.Name));
        Assert.DoesNotContain(g.Graph.Node, n => n.OpType == "Shape" && n.Input.Contains(split));
        Assert.True(gradients.ContainsKey("w"));
    }

    [Fact]
    public void OpWithoutRuleOnTheTrainablePathIsReportedWithItsNode()
    {
        var g = new GraphBuilder("unsupported");
        var w = g.Input("w", DataType.Float, 2, 3);
        var summed = g.Node("CumSum", [w, Initializers.Int64Scalar(g, "axis", 1)], name: "cumsum_weights");
        var loss = g.Node("ReduceSum", [summed], Keep0);
        var e = Assert.Throws<UnsupportedGradientException>(() => AutoDiff.AppendGradients(g, loss, ["w"]));
        Assert.Equal("CumSum", e.OpType);
        Assert.Equal("cumsum_weights", e.NodeName);
        Assert.Contains("cumsum_weights", e.Message);
    }

    [Fact]
    public void LostRankIsReportedAtTheNodeThatLostIt()
    {
        var g = new GraphBuilder("lost_rank");
        var w = g.Input("w", DataType.Float, 2, 3);
        var count = g.Input("count", DataType.Int64, 1);
        // A target shape whose length is known only at run time: inference cannot tell the Reshape's rank.
        var target = g.Node("Slice", [g.Node("Shape", [w]), Initializers.Int64s(g, "start", [0]), count]);
        var reshaped = g.Node("Reshape", [w, target], name: "runtime_reshape");
        var transposed = g.Node("Transpose", [g.Node("Relu", [reshaped], name: "after_reshape")], name: "default_perm");
        var e = Assert.Throws<UnsupportedGradientException>(() => AutoDiff.AppendGradients(g, g.Node("ReduceSum", [transposed], Keep0), ["w"]));
        Assert.Equal("default_perm", e.NodeName);
        Assert.Contains("lost at node 'runtime_reshape' (op Reshape)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OpOfAnotherDomainOnThePathIsRefused()
    {
        var g = new GraphBuilder("domain");
        var w = g.Input("w", DataType.Float, 2, 3);
        var y = g.Node("FusedGelu", [w], name: "custom", domain: "com.microsoft");
        var e = Assert.Throws<UnsupportedGradientException>(() => AutoDiff.AppendGradients(g, g.Node("ReduceSum", [y], Keep0), ["w"]));
        Assert.Equal("custom", e.NodeName);
        Assert.Contains("com.microsoft", e.Message);
    }

    [Fact]
    public void NodesOffThePathAreNotDifferentiatedAndUnusedValuesGetZeros()
    {
        var g = new GraphBuilder("pruned");
        var x = g.Input("x", DataType.Float, 2, 3);
        var w = g.Input("w", DataType.Float, 2, 3);
        var unused = g.Input("unused", DataType.Float, 2);
        var frozen = g.Node("CumSum", [x, Initializers.Int64Scalar(g, "axis", 1)]);  // no rule, but not on a trainable path
        g.Node("CumSum", [w, Initializers.Int64Scalar(g, "axis2", 0)]);               // trainable, but does not reach the loss
        var loss = g.Node("ReduceSum", [g.Node("Mul", [frozen, w])], Keep0);
        var result = AutoDiff.AppendGradients(g, loss, ["w", "unused"]);
        g.Output(result.GradientOf("w"), DataType.Float, 2, 3);
        g.Output(result.GradientOf("unused"), DataType.Float, 2);
        Assert.DoesNotContain(g.Graph.Node, n => n.Name.StartsWith("CumSum", StringComparison.Ordinal) && n.Name.Contains("_grad_"));

        float[] xs = [1, -2, 3, 4, 5, -6];
        float[] cumulative = [1, -1, 2, 4, 9, 3];
        using var session = new OrtSession(OnnxModelFile.ToBytes(OnnxModels.Create(g.Graph)), Options);
        using var xv = OrtValue.CreateTensor(xs, 2, 3);
        using var wv = OrtValue.CreateTensor(new float[6], 2, 3);
        using var uv = OrtValue.CreateTensor(new float[] { 7, 8 }, 2);
        var outputs = session.Run(["x", "w", "unused"], [xv, wv, uv], [result.GradientOf("w"), result.GradientOf("unused")]);
        Assert.Equal(cumulative, outputs[0].ToArray<float>());
        Assert.Equal(new float[2], outputs[1].ToArray<float>());
        foreach (var o in outputs) o.Dispose();
    }

    [Fact]
    public void UnknownValueNameIsRejected()
    {
        var g = new GraphBuilder("names");
        var w = g.Input("w", DataType.Float, 2);
        var loss = g.Node("ReduceSum", [w], Keep0);
        Assert.Throws<ArgumentException>(() => AutoDiff.AppendGradients(g, loss, ["nope"]));
    }

    [Fact]
    public void DynamicBatchGradientIsTheSumOfPerSampleGradients()
    {
        var g = new GraphBuilder("batch");
        var x = g.Input("x", DataType.Float, "N", 2, 5, 5);
        var w = g.Input("w", DataType.Float, 3, 2, 3, 3);
        var y = g.Node("Relu", [g.Node("Conv", [x, w], new Dictionary<string, object> { ["strides"] = new long[] { 2, 2 }, ["pads"] = new long[] { 1, 1, 1, 1 } })]);
        var pooled = g.Node("Flatten", [g.Node("GlobalAveragePool", [y])]);
        var loss = g.Node("ReduceSum", [g.Node("Mul", [pooled, pooled])], Keep0);
        var result = AutoDiff.AppendGradients(g, loss, ["w"]);
        g.Output(result.GradientOf("w"), DataType.Float, 3, 2, 3, 3);
        using var session = new OrtSession(OnnxModelFile.ToBytes(OnnxModels.Create(g.Graph)), Options);

        var random = new Random(5);
        var weights = Enumerable.Range(0, 54).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var batch = Enumerable.Range(0, 3 * 50).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        float[] Gradient(float[] input, int n)
        {
            using var xv = OrtValue.CreateTensor(input, n, 2, 5, 5);
            using var wv = OrtValue.CreateTensor(weights, 3, 2, 3, 3);
            var outputs = session.Run(["x", "w"], [xv, wv], [result.GradientOf("w")]);
            using var o = outputs[0];
            return o.ToArray<float>();
        }
        var whole = Gradient(batch, 3);
        var summed = new float[54];
        for (int s = 0; s < 3; s++)
        {
            var one = Gradient(batch[(s * 50)..((s + 1) * 50)], 1);
            for (int i = 0; i < 54; i++) summed[i] += one[i];
        }
        Assert.Contains(whole, v => Math.Abs(v) > 1e-3);
        for (int i = 0; i < 54; i++) Assert.Equal(summed[i], whole[i], 4);
    }

    [Fact]
    public void SoftmaxCrossEntropyWithLabelSmoothingMatchesItsDefinition()
    {
        const int N = 3, C = 4;
        const float Smoothing = 0.1f;
        var g = new GraphBuilder("ce");
        var logits = g.Input("logits", DataType.Double, N, C);
        var labels = g.Input("labels", DataType.Int64, N);
        var loss = Losses.SoftmaxCrossEntropy(g, logits, labels, Smoothing);
        var result = AutoDiff.AppendGradients(g, loss, ["logits"]);
        g.Output(loss, DataType.Double);
        g.Output(result.GradientOf("logits"), DataType.Double, N, C);

        double[] z = [0.5, -1, 2, 0.1, 1.5, 0.3, -0.7, 0, -2, 1, 0.25, 0.75];
        long[] y = [2, 0, 3];
        double expectedLoss = 0;
        var expectedGrad = new double[N * C];
        for (int i = 0; i < N; i++)
        {
            var row = z[(i * C)..((i + 1) * C)];
            double max = row.Max(), sum = row.Sum(v => Math.Exp(v - max));
            for (int k = 0; k < C; k++)
            {
                double p = Math.Exp(row[k] - max) / sum;
                double target = (k == y[i] ? 1 - Smoothing : 0) + Smoothing / C;
                expectedLoss -= target * Math.Log(p) / N;
                expectedGrad[i * C + k] = (p - target) / N;
            }
        }
        using var session = new OrtSession(OnnxModelFile.ToBytes(OnnxModels.Create(g.Graph)), Options);
        using var zv = OrtValue.CreateTensor(z, N, C);
        using var yv = OrtValue.CreateTensor(y, N);
        var outputs = session.Run(["logits", "labels"], [zv, yv], [loss, result.GradientOf("logits")]);
        Assert.Equal(expectedLoss, outputs[0].ToArray<double>()[0], 6);
        var grad = outputs[1].ToArray<double>();
        for (int i = 0; i < grad.Length; i++) Assert.Equal(expectedGrad[i], grad[i], 6);
        foreach (var o in outputs) o.Dispose();
    }

    [Fact]
    public void MeanSquaredErrorMatchesItsDefinition()
    {
        var g = new GraphBuilder("mse");
        var p = g.Input("p", DataType.Float, 2, 3);
        var t = g.Input("t", DataType.Float, 2, 3);
        var loss = Losses.MeanSquaredError(g, p, t);
        var result = AutoDiff.AppendGradients(g, loss, ["p"]);
        g.Output(loss, DataType.Float);
        g.Output(result.GradientOf("p"), DataType.Float, 2, 3);
        float[] ps = [1, 2, 3, 4, 5, 6], ts = [0.5f, 2, 4, 4, 3, 7];
        using var session = new OrtSession(OnnxModelFile.ToBytes(OnnxModels.Create(g.Graph)), Options);
        using var pv = OrtValue.CreateTensor(ps, 2, 3);
        using var tv = OrtValue.CreateTensor(ts, 2, 3);
        var outputs = session.Run(["p", "t"], [pv, tv], [loss, result.GradientOf("p")]);
        Assert.Equal((0.25 + 0 + 1 + 0 + 4 + 1) / 6, outputs[0].ToArray<float>()[0], 5);
        var grad = outputs[1].ToArray<float>();
        for (int i = 0; i < 6; i++) Assert.Equal(2 * (ps[i] - ts[i]) / 6f, grad[i], 5);
        foreach (var o in outputs) o.Dispose();
    }
}
