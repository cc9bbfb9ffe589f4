using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Graphs;
using OnnxVideo.Onnx.Proto;
using OnnxVideo.Packaging;
using OnnxVideo.Testing;
using OnnxVideo.Training.Sessions;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Training.Tests.Sessions;

/// <summary>
/// Issue 17 lever 22: on the CPU provider the convolutions whose weights are inputs or computed run on ORT's NCHWc
/// kernels, with the filter reordered by nodes. Each rewritten conv computes what the ONNX Conv computes; convs the
/// blocked kernel cannot take are left alone; a package's gradients and a training session's step are those of the
/// graph as written.
/// </summary>
public sealed class NchwcConvolutionTests : IDisposable
{
    private readonly TinyFullTuningPackage _tiny = new(seed: 3);

    public void Dispose() => _tiny.Dispose();

    /// <summary>(input channels, output channels, kernel, stride, pad, dilation, bias): blocked input (channels a
    /// multiple of 16, so of 8 too), input read as it is (3 channels, a 7×7 stride-2 stem), a (3,1) strided kernel, dilation,
    /// a weight-gradient-sized 5×9 kernel over fewer channels than a block.</summary>
    [NchwcTheory]
    [InlineData(32, 32, new long[] { 3, 3 }, new long[] { 1, 1 }, new long[] { 1, 1, 1, 1 }, new long[] { 1, 1 }, false)]
    [InlineData(3, 16, new long[] { 7, 7 }, new long[] { 2, 2 }, new long[] { 3, 3, 3, 3 }, new long[] { 1, 1 }, false)]
    [InlineData(16, 48, new long[] { 3, 1 }, new long[] { 2, 1 }, new long[] { 1, 0, 1, 0 }, new long[] { 1, 1 }, true)]
    [InlineData(32, 16, new long[] { 3, 3 }, new long[] { 1, 1 }, new long[] { 2, 2, 2, 2 }, new long[] { 2, 2 }, true)]
    [InlineData(4, 16, new long[] { 5, 9 }, new long[] { 1, 1 }, new long[] { 0, 0, 0, 0 }, new long[] { 1, 1 }, false)]
    public void ABlockedConvComputesTheOnnxConv(long inputs, long outputs, long[] kernel, long[] strides, long[] pads, long[] dilations, bool bias)
    {
        var model = OneConv(inputs, outputs, kernel, strides, pads, dilations, bias, group: 1);
        var rewritten = model.Clone();
        Assert.Equal(1, NchwcConvRewrite.Rewrite(rewritten, CpuTrainingGraphs.BlockSize));
        Assert.Single(rewritten.Graph.Node, n => n.OpType == "Conv" && n.Domain == NchwcConvRewrite.Domain);
        Assert.DoesNotContain(rewritten.Graph.Node, n => n.OpType == "Conv" && n.Domain.Length == 0);

        var random = new Random(7);
        float[] Values(long count) => Enumerable.Range(0, (int)count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var feeds = new Dictionary<string, (Array, long[])>
        {
            ["x"] = (Values(2 * inputs * 11 * 10), [2, inputs, 11, 10]),
            ["w"] = (Values(outputs * inputs * kernel[0] * kernel[1]), [outputs, inputs, kernel[0], kernel[1]]),
        };
        if (bias)
        {
            feeds["b"] = (Values(outputs), [outputs]);
        }
        AssertSameOutput(model, rewritten, feeds);
    }

    /// <summary>The output y of <paramref name="rewritten"/> equals that of <paramref name="model"/> to 1e-5 of its largest value.</summary>
    internal static void AssertSameOutput(ModelProto model, ModelProto rewritten, Dictionary<string, (Array, long[])> feeds)
    {
        using var plain = new OrtModelRunner(model);
        using var blocked = new OrtModelRunner(rewritten);
        var expected = plain.Run(feeds, ["y"])["y"];
        var actual = blocked.Run(feeds, ["y"])["y"];
        Assert.Equal(expected.Length, actual.Length);
        var scale = expected.Max(MathF.Abs);
        Assert.All(expected.Zip(actual), p => Assert.True(MathF.Abs(p.First - p.Second) <= 1e-5f * scale, $"{p.Second} instead of {p.First}"));
    }

    [Fact]
    public void ConvsTheBlockedKernelCannotTakeAreLeftAsTheyAre()
    {
        var constantWeights = OneConv(16, 16, [3, 3], [1, 1], [1, 1, 1, 1], [1, 1], bias: false, group: 1);
        var w = constantWeights.Graph.Input.Single(i => i.Name == "w");
        constantWeights.Graph.Input.Remove(w);
        constantWeights.Graph.Initializer.Add(TensorProtos.FromFloats("w", new float[16 * 16 * 9], 16, 16, 3, 3));
        // A frozen weight reshaped by a node: ORT folds it and reorders the folded filter itself.
        var foldedWeights = constantWeights.Clone();
        var frozen = foldedWeights.Graph.Initializer.Single(t => t.Name == "w");
        frozen.Name = "w_flat";
        frozen.Dims.Clear();
        frozen.Dims.Add(16 * 16 * 9);
        foldedWeights.Graph.Initializer.Add(TensorProtos.FromInt64s("w_shape", [16, 16, 3, 3], 4));
        var reshape = new NodeProto { OpType = "Reshape", Name = "w_reshape" };
        reshape.Input.AddRange(["w_flat", "w_shape"]);
        reshape.Output.Add("w");
        foldedWeights.Graph.Node.Insert(0, reshape);
        ModelProto[] models =
        [
            OneConv(32, 32, [3, 3], [1, 1], [1, 1, 1, 1], [1, 1], bias: false, group: 2),
            OneConv(16, 20, [3, 3], [1, 1], [1, 1, 1, 1], [1, 1], bias: false, group: 1),
            OneConv(16, 16, [9, 9], [1, 1], [4, 4, 4, 4], [1, 1], bias: false, group: 1),
            constantWeights,
            foldedWeights,
        ];
        foreach (var model in models)
        {
            var before = model.Clone();
            Assert.Equal(0, NchwcConvRewrite.Rewrite(model, blockSize: 16));
            Assert.Equal(before, model);
        }
    }

    [NchwcFact]
    public void TheGradientsOfAPackageOnBlockedConvsAreThoseOfTheGraphAsWritten()
    {
        var package = TrainingPackage.Load(_tiny.Folder.File("pkg"));
        var rewritten = CpuTrainingGraphs.Rewritten(package.GradientsPath);
        Assert.NotNull(rewritten);
        var model = OnnxModelFile.Parse(rewritten, package.GradientsPath);
        // Every 2-D conv but the Conv-form weight gradient of stage 2, whose channels are the symbolic batch: tiny3d's
        // four forward convs (the last two lowered to 2-D before autodiff, the first two stacked over their taps after
        // it), the input gradients of the last two, split by stride phase, and the weight gradients of the first two
        // (strided 3-D convs, one 2-D Conv over frames each, lever 28: the samples along the width, a symbolic width).
        static int TwoDimensionalConvs(ModelProto m, string domain) =>
            m.Graph.Node.Count(n => n.OpType == "Conv" && n.Domain == domain && (domain.Length > 0 || n.Name.Contains("/as2d/conv_2d", StringComparison.Ordinal)));
        var original = OnnxModelFile.Load(package.GradientsPath, loadExternalData: false);
        Assert.Equal(13, TwoDimensionalConvs(original, ""));
        Assert.Equal(14, TwoDimensionalConvs(model, NchwcConvRewrite.Domain));
        Assert.Equal(["stages.2.0/as2d/conv_2d_grad_Conv_4"], model.Graph.Node.Where(n => n.OpType == "Conv" && n.Domain.Length == 0 && n.Name.Contains("/as2d/", StringComparison.Ordinal)).Select(n => n.Name));

        var (video, labels) = TinyFullTuningPackage.Batch(9, 2);
        var targets = new float[2 * TinyFullTuningPackage.Classes];
        for (var i = 0; i < labels.Length; i++)
        {
            targets[i * TinyFullTuningPackage.Classes + labels[i]] = 1f;
        }
        var feeds = new Dictionary<string, (Array, long[])>
        {
            [package.Io.Video] = (video, [2, .. package.Io.VideoShape.Skip(1).Select(long.Parse)]),
            [package.Io.Targets!] = (targets, [2, TinyFullTuningPackage.Classes]),
        };
        var stored = package.ReadTrainable();
        foreach (var tensor in package.Parameters.Select(p => (p.Name, p.Shape)).Concat(package.Buffers.Select(b => (b.Name, b.Shape))))
        {
            feeds[tensor.Name] = (stored[tensor.Name], tensor.Shape);
        }
        List<string> outputs = [package.Io.Loss, package.Io.Logits, .. package.Parameters.Select(p => p.Gradient)];
        using var plain = new OrtModelRunner(package.GradientsPath);
        using var blocked = new OrtModelRunner(model);
        var expected = plain.Run(feeds, outputs);
        var actual = blocked.Run(feeds, outputs);
        foreach (var name in outputs)
        {
            var scale = Math.Max(expected[name].Max(MathF.Abs), 1e-6f);
            Assert.All(expected[name].Zip(actual[name]), p => Assert.True(MathF.Abs(p.First - p.Second) <= 1e-4f * scale, $"{name}: {p.Second} instead of {p.First}"));
        }
    }

    [NchwcFact]
    public void ATrainingSessionStepsOnBlockedConvsUnlessToldNot()
    {
        var (video, labels) = TinyFullTuningPackage.Batch(11, 2);
        var (blockedLoss, blockedOps) = FirstStep(video, labels, nchwc: true);
        var (plainLoss, plainOps) = FirstStep(video, labels, nchwc: false);
        Assert.Contains("ReorderOutput", blockedOps);
        Assert.DoesNotContain("ReorderOutput", plainOps);
        Assert.Equal(plainLoss, blockedLoss, 4);
    }

    /// <summary>The first step's loss and the op types of the train step's kernels, read from ORT's profile of it.</summary>
    private (float Loss, HashSet<string> Ops) FirstStep(float[] video, int[] labels, bool nchwc)
    {
        var prefix = _tiny.Folder.File(nchwc ? "profile-nchwc" : "profile-plain");
        float loss;
        using (var session = TrainingSession.Open(_tiny.Layout, new TrainingSessionOptions { IntraOpThreads = 1, NchwcConvolutions = nchwc, ProfileFilePrefix = prefix }))
        {
            loss = session.TrainStep(video, labels).Loss;
        }
        var profile = Directory.GetFiles(Path.GetDirectoryName(prefix)!, Path.GetFileName(prefix) + "*.json").Single();
        using var trace = System.Text.Json.JsonDocument.Parse(File.ReadAllText(profile));
        var ops = trace.RootElement.EnumerateArray()
            .Where(e => e.TryGetProperty("cat", out var cat) && cat.GetString() == "Node" && e.TryGetProperty("args", out var args) && args.TryGetProperty("op_name", out _))
            .Select(e => e.GetProperty("args").GetProperty("op_name").GetString()!)
            .ToHashSet(StringComparer.Ordinal);
        return (loss, ops);
    }

    private static ModelProto OneConv(long inputs, long outputs, long[] kernel, long[] strides, long[] pads, long[] dilations, bool bias, long group)
    {
        var g = new GraphBuilder("one_conv");
        var x = g.Input("x", DataType.Float, 2, inputs, 11, 10);
        var w = g.Input("w", DataType.Float, outputs, inputs / group, kernel[0], kernel[1]);
        List<string> operands = [x, w];
        if (bias)
        {
            operands.Add(g.Input("b", DataType.Float, outputs));
        }
        var conv = new NodeProto { OpType = "Conv", Name = "conv" };
        conv.Input.AddRange(operands);
        conv.Output.Add("y");
        conv.Attribute.Add(AttributeValues.Create("strides", strides));
        conv.Attribute.Add(AttributeValues.Create("pads", pads));
        conv.Attribute.Add(AttributeValues.Create("dilations", dilations));
        conv.Attribute.Add(AttributeValues.Create("group", group));
        g.Graph.Node.Add(conv);
        g.Output("y", DataType.Float);
        return OnnxModels.Create(g.Graph);
    }
}
