using OnnxVideo.Autodiff;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Graphs;
using OnnxVideo.Onnx.Proto;
using OnnxVideo.Testing;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Export.Tests;

/// <summary>
/// Issue 17 lever 3c, one Conv at a time: the 2-D forms of <see cref="Conv3dTapStacking"/> (and lever 3's temporal
/// form for a (3,1,1) kernel) give the output and the gradients of x, the weight and the bias of ORT's own Conv3d:
/// temporal stride 2, no padding, asymmetric padding, dilation, a 1×1×1 shortcut with stride 2 and one frame with
/// padding (whose outer taps read only zeros and are left out).
/// </summary>
public sealed class Conv3dTapStackingTests
{
    public sealed record Case(string Name, long[] X, long[] W, long[] Strides, long[] Pads, long[] Dilations, bool Bias)
    {
        public override string ToString() => Name;
    }

    private static readonly Case[] Cases =
    [
        new("3x3x3 stride 1 pad 1", [2, 3, 5, 6, 6], [4, 3, 3, 3, 3], [1, 1, 1], [1, 1, 1, 1, 1, 1], [1, 1, 1], Bias: false),
        new("3x3x3 stride 2 pad 1", [2, 3, 5, 7, 7], [4, 3, 3, 3, 3], [2, 2, 2], [1, 1, 1, 1, 1, 1], [1, 1, 1], Bias: true),
        new("3x3x3 pad 0", [1, 3, 5, 6, 6], [4, 3, 3, 3, 3], [1, 1, 1], [0, 0, 0, 0, 0, 0], [1, 1, 1], Bias: false),
        new("3x3x3 temporal pads 0 and 2, dilation 2", [1, 2, 7, 5, 5], [3, 2, 3, 3, 3], [1, 1, 1], [0, 1, 1, 2, 1, 1], [2, 1, 1], Bias: true),
        new("3x1x1 spatial stride 2", [2, 3, 5, 6, 6], [4, 3, 3, 1, 1], [1, 2, 2], [1, 0, 0, 1, 0, 0], [1, 1, 1], Bias: false),
        new("3x1x1 temporal only", [2, 3, 5, 6, 6], [4, 3, 3, 1, 1], [1, 1, 1], [1, 0, 0, 1, 0, 0], [1, 1, 1], Bias: true),
        new("1x1x1 stride 2", [2, 3, 5, 6, 6], [4, 3, 1, 1, 1], [2, 2, 2], [0, 0, 0, 0, 0, 0], [1, 1, 1], Bias: false),
        new("3x3x3 on one frame", [2, 3, 1, 5, 5], [4, 3, 3, 3, 3], [1, 1, 1], [1, 1, 1, 1, 1, 1], [1, 1, 1], Bias: true),
    ];

    public static TheoryData<Case, string> Forms()
    {
        var data = new TheoryData<Case, string>();
        foreach (var c in Cases)
        {
            foreach (var form in Enum.GetValues<TapStackForm>())
            {
                data.Add(c, form.ToString());
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public void The2dFormGivesTheOutputAndGradientsOfConv3d(Case c, string form)
    {
        var plain = Graph(c, rewrite: null);
        var lowered = Graph(c, g => Assert.Equal(1, Conv3dTo2dLowering.Rewrite(g, Enum.Parse<TapStackForm>(form))));
        Assert.DoesNotContain(lowered.Graph.Node, n => n.Name == "conv");
        Assert.Contains(lowered.Graph.Node, n => n.OpType == "Conv" && n.Name.StartsWith("conv/as2d/", StringComparison.Ordinal));
        AssertSameOutputsAndGradients(c, plain, lowered);
    }

    /// <summary>y and the gradients of both graphs on the same random x, w, b and dy, to 1e-5 of each output's largest.</summary>
    internal static void AssertSameOutputsAndGradients(Case c, ModelProto plain, ModelProto rewritten)
    {
        var random = new Random(3);
        float[] Random(long[] shape) => Enumerable.Range(0, (int)shape.Aggregate(1L, (a, d) => a * d)).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var y = OutputShape(plain);
        var inputs = new Dictionary<string, (Array, long[])> { ["x"] = (Random(c.X), c.X), ["w"] = (Random(c.W), c.W), ["dy"] = (Random(y), y) };
        if (c.Bias) inputs["b"] = (Random([c.W[0]]), [c.W[0]]);
        var outputs = plain.Graph.Output.Select(o => o.Name).ToList();
        using var plainRunner = new OrtModelRunner(plain);
        using var rewrittenRunner = new OrtModelRunner(rewritten);
        var expected = plainRunner.Run(inputs, outputs);
        var actual = rewrittenRunner.Run(inputs, outputs);
        foreach (var name in outputs)
        {
            var scale = expected[name].Max(Math.Abs);
            Assert.Equal(expected[name], actual[name], new ToleranceComparer(1e-5f * Math.Max(scale, 1e-3f), 1e-4f));
        }
    }

    /// <summary>y = Conv(x, w[, b]) (rewritten by <paramref name="rewrite"/> before autodiff, as the compiler does) with
    /// outputs y and the gradients of Σ y·dy with respect to x, w and b.</summary>
    internal static ModelProto Graph(Case c, Action<GraphProto>? rewrite)
    {
        var g = new GraphBuilder("conv3d");
        g.Input("x", DataType.Float, c.X.Select(d => (Dim)d).ToArray());
        g.Input("w", DataType.Float, c.W.Select(d => (Dim)d).ToArray());
        List<string> conv = ["x", "w"];
        if (c.Bias)
        {
            g.Input("b", DataType.Float, c.W[0]);
            conv.Add("b");
        }
        var y = g.Node("Conv", conv, new Dictionary<string, object> { ["strides"] = c.Strides, ["pads"] = c.Pads, ["dilations"] = c.Dilations }, "conv");
        rewrite?.Invoke(g.Graph);
        var yShape = Enumerable.Range(0, 3).Select(i => (c.X[i + 2] + c.Pads[i] + c.Pads[i + 3] - c.Dilations[i] * (c.W[i + 2] - 1) - 1) / c.Strides[i] + 1);
        g.Input("dy", DataType.Float, [c.X[0], c.W[0], .. yShape.Select(d => (Dim)d)]);
        var loss = g.Node("ReduceSum", [g.Node("Mul", [y, "dy"])], new Dictionary<string, object> { ["keepdims"] = 0L });
        var gradients = AutoDiff.AppendGradients(g, loss, conv).Gradients;
        g.Output(y, DataType.Float);
        foreach (var input in conv)
        {
            var identity = new NodeProto { OpType = "Identity", Name = $"d{input}" };
            identity.Input.Add(gradients[input]);
            identity.Output.Add($"d{input}");
            g.Graph.Node.Add(identity);
            g.Output($"d{input}", DataType.Float);
        }
        return OnnxModels.Create(g.Graph);
    }

    private static long[] OutputShape(ModelProto model) =>
        model.Graph.Input.First(i => i.Name == "dy").Type.TensorType.Shape.Dim.Select(d => d.DimValue).ToArray();
}
