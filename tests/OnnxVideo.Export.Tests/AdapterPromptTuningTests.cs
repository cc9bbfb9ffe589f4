using OnnxVideo.Export.Tests.PackageSupport;
using OnnxVideo.Models.Compilation;
using OnnxVideo.Models.Tuning;
using OnnxVideo.Models.Zoo;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;
using OnnxVideo.Onnx.Safetensors;
using OnnxVideo.Packaging;
using OnnxVideo.Packaging.Tuning;

namespace OnnxVideo.Export.Tests;

/// <summary>Adapter and prompt specs, their composition, where they land in a graph, and that export keeps them.</summary>
public sealed class AdapterPromptTuningTests : IDisposable
{
    private static readonly VideoVitConfig Small = new() { Depth = 2, Width = 32, Heads = 4, Patch = 8, Tubelet = 2, DefaultFrames = 4, DefaultSize = 16 };
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    private static ModelProto Vit(VideoVitPooling pooling = VideoVitPooling.Mean) =>
        ModelZoo.Build(new VideoVit(Small with { Pooling = pooling }, "video_vit_small"), new ZooOptions { Classes = 3, Frames = 4, Size = 16, Seed = 2 });

    [Theory]
    [InlineData("adapter:dim=16", TuningKind.Adapter)]
    [InlineData("adapter:dim=8,scale=0.5,target=a{1,2},b,temporal", TuningKind.Adapter)]
    [InlineData("prompt:tokens=4,deep", TuningKind.Prompt)]
    [InlineData("lora:r=8+bitfit", TuningKind.Composite)]
    [InlineData("adapter:dim=32+pattern:norm", TuningKind.Composite)]
    [InlineData("prompt:tokens=4+adapter:dim=16+lora:r=2,target=x+y", TuningKind.Composite)]
    [InlineData("pattern:a+b", TuningKind.Pattern)]
    public void SpecsParseAndRoundTrip(string text, TuningKind kind)
    {
        var spec = TuningSpec.Parse(text);
        Assert.Equal(kind, spec.Kind);
        Assert.Equal(spec, TuningSpec.Parse(spec.ToString()));
    }

    [Fact]
    public void OptionsAreReadWhereverTheyStand()
    {
        var adapter = TuningSpec.Parse("adapter:dim=8,scale=0.5,target=a{1,2},b,temporal").Adapter;
        Assert.Equal(new AdapterOptions { Dim = 8, Scale = 0.5f, Target = "a{1,2},b", Temporal = true }, adapter);
        var composite = TuningSpec.Parse("prompt:tokens=4+adapter:dim=16+lora:r=2,target=x+y");
        Assert.Equal([TuningKind.Prompt, TuningKind.Adapter, TuningKind.Lora], composite.Parts.Select(p => p.Kind));
        Assert.Equal("x+y", composite.Component(TuningKind.Lora)!.Lora!.Target);
        Assert.Equal("a+b", TuningSpec.Parse("pattern:a+b").Pattern);
    }

    [Theory]
    [InlineData("full+lora", "'full' already trains every parameter")]
    [InlineData("bitfit+full", "'full' already trains every parameter")]
    [InlineData("head+bitfit", "the head is trained by every method")]
    [InlineData("lora:r=2+bitfit+lora:r=4", "'lora' appears more than once")]
    [InlineData("adapter:dim=0", "dim must be >= 1")]
    [InlineData("adapter:scale=0", "scale must be a finite non-zero number")]
    [InlineData("adapter:size=3", "unknown adapter option 'size'")]
    [InlineData("adapter:temporal=1", "'temporal' is a switch")]
    [InlineData("adapter:dim=4,dim=8", "given twice")]
    [InlineData("prompt:tokens=0", "tokens must be >= 1")]
    [InlineData("prompt:deep,width=3", "unknown prompt option 'width'")]
    [InlineData("lora:r=2+adapter:dim=x", "dim must be an integer")]
    public void BadSpecsAndCombinationsNameTheProblem(string text, string message)
    {
        var e = Assert.Throws<TuningSpecException>(() => TuningSpec.Parse(text));
        Assert.Contains(message, e.Message);
        Assert.Contains(text, e.Message);
    }

    [Fact]
    public void AdaptersGoOnTheAttentionAndMlpBranchesOfEveryBlockAndOnlyTheyAndTheHeadTrain()
    {
        var graph = Vit().Graph;
        var frozenBefore = graph.Initializer.Select(t => t.Name).ToList();
        var selection = TrainableSelection.Apply(graph, TuningSpec.Parse("adapter:dim=4"), training: true, source: "vit.onnx");
        Assert.Equal(["adapter.0.attention", "adapter.0.mlp", "adapter.1.attention", "adapter.1.mlp"], selection.Bottlenecks.Select(a => a.Site));
        var adapterTensors = selection.Bottlenecks.SelectMany(a => a.Tensors).ToList();
        Assert.Equal(adapterTensors.Concat(["classifier.weight", "classifier.bias"]).Order(), selection.Trainable.Order());
        Assert.All(frozenBefore.Where(n => !n.StartsWith("classifier.")), n => Assert.Contains(n, selection.Frozen));
        // down [4,32]+[4], up [32,4]+[32] per site; the head [3,32]+[3].
        Assert.Equal(4 * (4 * 32 + 4 + 32 * 4 + 32) + 3 * 32 + 3, selection.TrainableElementCount(graph));
        // Each adapter's residual feeds the block's residual Add; up-projections start at zero.
        var byName = graph.Initializer.ToDictionary(t => t.Name);
        Assert.All(selection.Bottlenecks, a => Assert.All(TensorProtos.ToFloats(byName[a.Site + ".up.weight"]), v => Assert.Equal(0f, v)));
        Assert.Equal(4, graph.Node.Count(n => n.OpType == "Add" && n.Name.StartsWith("layer") && n.Input.Any(i => i.StartsWith("adapter."))));
    }

    [Fact]
    public void LoraAdaptersAndBitFitComposeWithoutAdaptingEachOther()
    {
        var graph = Vit().Graph;
        var selection = TrainableSelection.Apply(graph, TuningSpec.Parse("lora:r=2,target=query+adapter:dim=4+bitfit"), training: true);
        Assert.Equal(["videomae.encoder.layer.0.attention.attention.query.weight", "videomae.encoder.layer.1.attention.attention.query.weight"],
            selection.Adapters.Select(a => a.Weight));
        Assert.Equal(4, selection.Bottlenecks.Count);
        Assert.Contains("videomae.encoder.layer.0.intermediate.dense.bias", selection.Trainable);
        Assert.Contains("videomae.encoder.layer.1.attention.attention.query.weight.lora_B", selection.Trainable);
        Assert.Contains("adapter.1.mlp.down.weight", selection.Trainable);
        Assert.DoesNotContain("videomae.encoder.layer.0.intermediate.dense.weight", selection.Trainable);
    }

    [Fact]
    public void ResidualBlocksOfAVideoResNetGetChannelAdapters()
    {
        var graph = ModelZoo.Build("r3d_18", new ZooOptions { Classes = 3, Frames = 4, Size = 32 }).Graph;
        var selection = TrainableSelection.Apply(graph, TuningSpec.Parse("adapter:dim=8,temporal,target=adapter\\.[0-3]\\."), training: true);
        Assert.Equal([64L, 64, 128, 128], selection.Bottlenecks.Select(a => a.Width));
        var shapes = graph.Initializer.ToDictionary(t => t.Name, t => t.Dims.ToArray());
        Assert.Equal([8L, 128, 1, 1, 1], shapes["adapter.3.block.down.weight"]);
        Assert.Equal([8L, 1, 3, 1, 1], shapes["adapter.3.block.temporal.weight"]);
        Assert.Equal([128L, 8, 1, 1, 1], shapes["adapter.3.block.up.weight"]);
        // The adapter reads the block's output (its ReLU) and the next block reads the adapter.
        var relu = graph.Node.Single(n => n.Output.Contains(selection.Bottlenecks[0].Value));
        Assert.Equal("Relu", relu.OpType);
        Assert.DoesNotContain(graph.Node, n => !n.Name.StartsWith("adapter.0.") && n.Input.Contains(selection.Bottlenecks[0].Value));
    }

    [Fact]
    public void PromptsDropTheDeclaredShapesThatNoLongerHold()
    {
        var graph = Vit().Graph;
        var before = graph.Node.Single(n => n.Name == "embed.positions").Output[0];
        var inside = graph.Node.Single(n => n.Name == "layer0.residual1").Output[0];
        foreach (var value in new[] { before, inside })
        {
            graph.ValueInfo.Add(OnnxVideo.Onnx.GraphBuilder.ValueInfo(value, TensorProto.Types.DataType.Float, "N", 8, 32));
        }
        var selection = TrainableSelection.Apply(graph, TuningSpec.Parse("prompt:tokens=2"), training: true);
        Assert.Equal(["prompt.tokens"], selection.Prompts!.Tensors);
        Assert.Equal([before], graph.ValueInfo.Select(v => v.Name));
    }

    [Fact]
    public void TemporalAdaptersNeedAPatchGridOfKnownSize()
    {
        var graph = Vit().Graph;
        var dims = graph.Input[0].Type.TensorType.Shape.Dim;
        foreach (var axis in new[] { 1, 3, 4 })
        {
            dims[axis] = new TensorShapeProto.Types.Dimension { DimParam = $"d{axis}" };
        }
        Assert.Single(TrainableSelection.Apply(graph.Clone(), TuningSpec.Parse("adapter:dim=4,target=0\\.mlp"), training: true).Bottlenecks);
        var e = Assert.Throws<TuningSpecException>(() =>
            TrainableSelection.Apply(graph, TuningSpec.Parse("adapter:dim=4,temporal"), training: true, source: "dynamic.onnx"));
        Assert.Contains("patch grid", e.Message);
        Assert.Contains("dynamic.onnx", e.Message);
    }

    [Theory]
    [InlineData("prompt:tokens=2", "token sequence")]
    [InlineData("adapter:dim=2", "found no place for adapters")]
    public void MethodsThatNeedAStructureTheModelLacksNameTheModel(string spec, string message)
    {
        var e = Assert.Throws<TuningSpecException>(() =>
            TrainableSelection.Apply(TinyModels.Mlp3d().Graph, TuningSpec.Parse(spec), training: true, source: "tiny.onnx"));
        Assert.Contains(message, e.Message);
        Assert.Contains("tiny.onnx", e.Message);
    }

    [Theory]
    [InlineData(VideoVitPooling.Mean, "prompt:tokens=3")]
    [InlineData(VideoVitPooling.Cls, "prompt:tokens=2,deep+adapter:dim=4,temporal")]
    public void ExportKeepsAdaptersAndPromptsAsOrdinaryNodes(VideoVitPooling pooling, string tune)
    {
        var dir = temp.File("package");
        TrainingPackageWriter.Write(Vit(pooling), new TrainingPackageOptions { Tuning = TuningSpec.Parse(tune) }, dir);
        var package = TrainingPackage.Load(dir);
        var random = new Random(1);
        var trained = package.Parameters.ToDictionary(p => p.Name,
            p => Enumerable.Range(0, (int)p.Shape.Aggregate(1L, (a, d) => a * d)).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray());
        var weights = temp.File("trained.safetensors");
        SafetensorsWriter.WriteFile(weights, package.Parameters.Select(p => SafetensorsTensor.FromFloats(p.Name, trained[p.Name], p.Shape)).ToList());
        var exported = temp.File("model.onnx");
        var model = InferenceExport.Export(package, weights, exported);
        Assert.Equal(package.Parameters.Count(p => p.Name.StartsWith("prompt.") || p.Name.StartsWith("adapter.")),
            model.Graph.Initializer.Count(t => t.Name.StartsWith("prompt.") || t.Name.StartsWith("adapter.")));

        long[] shape = [2, 4, 3, 16, 16];
        var video = Enumerable.Range(0, 2 * 4 * 3 * 16 * 16).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var inputs = new Dictionary<string, (Array, long[])> { ["video"] = (video, shape), ["labels"] = (new long[] { 0, 1 }, [2]) };
        foreach (var p in package.Parameters)
        {
            inputs[p.Name] = (trained[p.Name], p.Shape);
        }
        using var eval = new OrtGraphRunner(package.EvalPath);
        using var inference = new OrtGraphRunner(exported);
        var logits = inference.Run(new Dictionary<string, (Array, long[])> { ["video"] = (video, shape) }, ["logits"])["logits"];
        Assert.Equal(eval.Run(inputs, ["logits"])["logits"], logits, new ToleranceComparer(1e-6f, 1e-5f));
        // The prompts and adapters matter: with the same head but their initial values the logits differ.
        var start = package.ReadTrainable();
        var withoutThem = temp.File("without.safetensors");
        SafetensorsWriter.WriteFile(withoutThem, package.Parameters.Select(p => SafetensorsTensor.FromFloats(p.Name,
            p.Name.StartsWith("classifier.") ? trained[p.Name] : start[p.Name], p.Shape)).ToList());
        using var untouched = new OrtGraphRunner(InferenceExport.Build(package, withoutThem));
        Assert.NotEqual(logits, untouched.Run(new Dictionary<string, (Array, long[])> { ["video"] = (video, shape) }, ["logits"])["logits"]);
    }
}
