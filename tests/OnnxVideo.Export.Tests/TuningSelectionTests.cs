using OnnxVideo.Export.Tests.PackageSupport;
using OnnxVideo.Packaging.Tuning;
using OnnxVideo.Models.Tuning;
using OnnxVideo.Models.Zoo;

namespace OnnxVideo.Export.Tests;

public class TuningSelectionTests
{
    [Theory]
    [InlineData("head", TuningKind.Head)]
    [InlineData("bitfit", TuningKind.BitFit)]
    [InlineData("FULL", TuningKind.Full)]
    [InlineData("pattern:^layer4\\.", TuningKind.Pattern)]
    [InlineData("lora:r=4,alpha=8,target=blocks\\.(1|2)\\.attn,qkv{1,2}", TuningKind.Lora)]
    public void SpecsParse(string text, TuningKind kind)
    {
        var spec = TuningSpec.Parse(text);
        Assert.Equal(kind, spec.Kind);
        Assert.Equal(spec, TuningSpec.Parse(spec.ToString()));
    }

    [Fact]
    public void LoraTargetKeepsCommasAndOptionsAreRead()
    {
        var spec = TuningSpec.Parse("lora:r=4,alpha=8,dropout=0.1,seed=3,target=a{1,2},b");
        Assert.Equal(new LoraOptions { Rank = 4, Alpha = 8, Dropout = 0.1f, Seed = 3, Target = "a{1,2},b" }, spec.Lora);
        Assert.Equal(2f, spec.Lora!.Scale);
    }

    [Theory]
    [InlineData("", "unknown strategy")]
    [InlineData("heads", "unknown strategy")]
    [InlineData("head:x", "takes no options")]
    [InlineData("pattern:", "needs a regular expression")]
    [InlineData("pattern:([", "invalid regular expression")]
    [InlineData("lora:r=0", "rank must be >= 1")]
    [InlineData("lora:r=x", "r must be an integer")]
    [InlineData("lora:alpha=-1", "alpha must be > 0")]
    [InlineData("lora:dropout=1", "dropout must be in [0, 1)")]
    [InlineData("lora:rank=2,beta=3", "unknown LoRA option 'beta'")]
    [InlineData("lora:r", "expected key=value")]
    public void BadSpecsNameTheProblem(string text, string message)
    {
        var e = Assert.Throws<TuningSpecException>(() => TuningSpec.Parse(text));
        Assert.Contains(message, e.Message);
        Assert.Contains(text, e.Message);
    }

    [Theory]
    [InlineData("head", new[] { "head.weight", "head.bias" })]
    [InlineData("bitfit", new[] { "conv.bias", "bn.bias", "fc1.bias", "proj.bias", "head.weight", "head.bias" })]
    [InlineData("pattern:^(fc1|bn)\\.", new[] { "bn.weight", "bn.bias", "fc1.weight", "fc1.bias", "head.weight", "head.bias" })]
    [InlineData("full", new[] { "conv.weight", "conv.bias", "bn.weight", "bn.bias", "fc1.weight", "fc1.bias", "proj.weight", "proj.bias", "head.weight", "head.bias" })]
    public void StrategiesChooseTheirParametersAndNeverRunningStatistics(string spec, string[] expected)
    {
        var graph = TinyModels.Mlp3d().Graph;
        var selection = TrainableSelection.Apply(graph, TuningSpec.Parse(spec), training: true);
        Assert.Equal(expected.Order(), selection.Trainable.Order());
        Assert.Contains("bn.running_mean", selection.Frozen);
        Assert.Contains("bn.running_var", selection.Frozen);
        Assert.DoesNotContain("bn.running_var", selection.FrozenParameters);
        var all = 12 + 4 + 4 + 4 + 24 + 6 + 30 + 5 + 15 + 3;
        Assert.Equal(all, selection.TrainableElementCount(graph) + selection.FrozenElementCount(graph));
    }

    [Fact]
    public void LoraAddsAdaptersOnMatchingWeightsAndTrainsThemWithTheHead()
    {
        var graph = TinyModels.Mlp3d().Graph;
        var selection = TrainableSelection.Apply(graph, TuningSpec.Parse("lora:r=2,alpha=4"), training: false);
        Assert.Equal(["conv.weight", "fc1.weight", "proj.weight"], selection.Adapters.Select(a => a.Weight));
        Assert.Equal([LoraWeightLayout.Convolution, LoraWeightLayout.OutputMajor, LoraWeightLayout.InputMajor], selection.Adapters.Select(a => a.Layout));
        Assert.Equal(["conv.weight.lora_A", "conv.weight.lora_B", "fc1.weight.lora_A", "fc1.weight.lora_B", "head.bias", "head.weight",
            "proj.weight.lora_A", "proj.weight.lora_B"], selection.Trainable.Order());
        var shapes = graph.Initializer.ToDictionary(t => t.Name, t => t.Dims.ToArray());
        Assert.Equal([2L, 3, 1, 1, 1], shapes["conv.weight.lora_A"]);
        Assert.Equal([4L, 2, 1, 1, 1], shapes["conv.weight.lora_B"]);
        Assert.Equal([2L, 4], shapes["fc1.weight.lora_A"]);
        Assert.Equal([6L, 2], shapes["fc1.weight.lora_B"]);
        Assert.Equal([2L, 6], shapes["proj.weight.lora_A"]);
        Assert.Equal([5L, 2], shapes["proj.weight.lora_B"]);
        Assert.All(graph.Initializer.Where(t => t.Name.EndsWith(".lora_B", StringComparison.Ordinal)),
            t => Assert.All(OnnxVideo.Onnx.TensorProtos.ToFloats(t), v => Assert.Equal(0f, v)));
        // kaiming-uniform(a=√5) bound is 1/√fan_in.
        var a = OnnxVideo.Onnx.TensorProtos.ToFloats(graph.Initializer.First(t => t.Name == "proj.weight.lora_A"));
        Assert.All(a, v => Assert.InRange(Math.Abs(v), 0, 1 / Math.Sqrt(6)));
        Assert.Contains(a, v => Math.Abs(v) > 0.1);
        AssertTopologicallyOrdered(graph);
    }

    [Fact]
    public void LoraTargetThatMatchesNothingListsTheCandidates()
    {
        var e = Assert.Throws<TuningSpecException>(() =>
            TrainableSelection.Apply(TinyModels.Mlp3d().Graph, TuningSpec.Parse("lora:r=2,target=attn"), training: true));
        Assert.Contains("proj.weight", e.Message);
        Assert.Contains("matched none", e.Message);
    }

    /// <summary>The zoo's R(2+1)D-18: LoRA reaches every convolution, with A carrying the base's kernel.</summary>
    [Fact]
    public void LoraOnR2Plus1dAdaptsTheSpatialAndTemporalKernels()
    {
        var graph = ModelZoo.Build("r2plus1d_18", new ZooOptions { Classes = 10, Frames = 4, Size = 32 }).Graph;
        var convWeights = graph.Node.Where(n => n.OpType == "Conv").Select(n => n.Input[1]).Distinct().ToList();
        var selection = TrainableSelection.Apply(graph, TuningSpec.Parse("lora:r=4"), training: false);
        Assert.Equal(convWeights.Order(), selection.Adapters.Select(a => a.Weight).Order());
        var kernels = selection.Adapters.GroupBy(a => string.Join("×", a.WeightShape.Skip(2))).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(new Dictionary<string, int> { ["1×7×7"] = 1, ["3×1×1"] = 17, ["1×3×3"] = 16, ["1×1×1"] = 3 }, kernels);
        var shapes = graph.Initializer.ToDictionary(t => t.Name, t => t.Dims.ToArray());
        var spatial = selection.Adapters.First(a => a.WeightShape.Skip(2).SequenceEqual([1L, 3, 3]));
        Assert.Equal([4L, spatial.WeightShape[1], 1, 3, 3], shapes[spatial.A]);
        Assert.Equal([spatial.WeightShape[0], 4L, 1, 1, 1], shapes[spatial.B]);
        // The head (512·10 + 10) and every adapter's r·(in·k + out).
        var expected = 5130 + selection.Adapters.Sum(a => 4 * (a.WeightShape.Skip(1).Aggregate(1L, (x, d) => x * d) + a.WeightShape[0]));
        Assert.Equal(274_822, expected);
        Assert.Equal(expected, selection.TrainableElementCount(graph));
    }

    [Fact]
    public void LoraDropoutOnlyInTheTrainingVariant()
    {
        var spec = TuningSpec.Parse("lora:r=2,dropout=0.2,target=proj");
        var train = TinyModels.Mlp3d().Graph;
        TrainableSelection.Apply(train, spec, training: true);
        var eval = TinyModels.Mlp3d().Graph;
        TrainableSelection.Apply(eval, spec, training: false);
        Assert.Single(train.Node, n => n.OpType == "Dropout");
        Assert.DoesNotContain(eval.Node, n => n.OpType == "Dropout");
        AssertTopologicallyOrdered(train);
    }

    private static void AssertTopologicallyOrdered(OnnxVideo.Onnx.Proto.GraphProto graph)
    {
        var known = graph.Input.Select(i => i.Name).Concat(graph.Initializer.Select(t => t.Name)).ToHashSet();
        foreach (var node in graph.Node)
        {
            Assert.All(node.Input.Where(i => i.Length > 0), i => Assert.True(known.Contains(i), $"{node.Name} uses {i} before it is computed"));
            known.UnionWith(node.Output);
        }
    }
}
