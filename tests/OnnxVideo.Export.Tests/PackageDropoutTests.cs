using OnnxVideo.Testing;
using OnnxVideo.Export.Tests.PackageSupport;
using OnnxVideo.Models.Compilation;
using OnnxVideo.Models.Tuning;
using OnnxVideo.Models.Zoo;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;
using OnnxVideo.Onnx.Safetensors;
using OnnxVideo.Packaging;
using OnnxVideo.Packaging.Optimizers;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Export.Tests;

/// <summary>
/// Dropout in training form: video_vit's drop path and a model's own Dropout, masked from the dropout_seed input,
/// stepped against PyTorch computing the same masks from their definition.
/// </summary>
public sealed class PackageDropoutTests : IDisposable
{
    private static readonly long[] Shape = [4, 4, 3, 16, 16];
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void ThreeAdamWStepsWithDropPathAndModelDropoutMatchPyTorchWithTheSameMasks()
    {
        var package = Package(VitWithFeatureDropout(dropPath: 0.5f, featureDropout: 0.3f), modelDropout: true);
        // Blocks 1 and 2 of 3 have drop path 0.25 and 0.5 on both residual branches; the features have Dropout 0.3.
        Assert.Equal([0.25f, 0.25f, 0.5f, 0.5f, 0.3f], package.Manifest.Dropout.Select(d => d.Ratio));
        Assert.Equal(SeededDropout.SeedInput, package.Io.DropoutSeed);
        Assert.DoesNotContain(OnnxModelFile.Load(package.TrainStepPath).Graph.Node, n => n.OpType == "Dropout");
        Assert.All(OnnxModelFile.Load(package.EvalPath).Graph.Node.Where(n => n.OpType == "Dropout"), n => Assert.True(n.Input.Count <= 2));

        var random = new Random(8);
        long[] seeds = [17, 9001, 123456789];
        var steps = Enumerable.Range(0, 3).Select(k => new GraphReference.Step(
            Enumerable.Range(0, (int)Shape.Aggregate(1L, (a, d) => a * d)).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray(),
            Shape, [0, 1, 2, 1], k == 1 ? 2e-2f : 1e-2f, k == 2 ? 0.5f : 0f, DropoutSeed: seeds[k])).ToArray();
        using var stepper = new PackageStepper(package);
        var (losses, norms) = stepper.StepAll(steps);
        var reference = GraphReference.RunWithDropout(package, steps, temp.Path);
        // The masks really drop: per-sample paths and feature elements.
        var sites = package.Manifest.Dropout;
        Assert.True(sites.Take(4).Sum(s => reference.Dropped.GetValueOrDefault(s.Output)) > 0, "no residual branch was dropped");
        Assert.True(reference.Dropped.GetValueOrDefault(sites[4].Output) > 0, "no feature was dropped");
        Assert.Equal(reference.Losses, losses, new ToleranceComparer(1e-5f, 1e-4f));
        Assert.Equal(reference.Norms, norms, new ToleranceComparer(1e-6f, 1e-3f));
        using var torch = SafetensorsFile.Open(reference.FinalWeights);
        foreach (var p in package.Parameters)
        {
            Assert.Equal(torch.ReadFloats(p.Name), stepper.Parameters[p.Name], new ToleranceComparer(2e-5f, 1e-3f));
        }
    }

    [Fact]
    public void TheSameSeedGivesTheSameStepAndAnotherSeedAnotherOne()
    {
        var package = Package(VitWithFeatureDropout(dropPath: 0.5f, featureDropout: 0.3f), modelDropout: true);
        var video = Enumerable.Range(0, (int)Shape.Aggregate(1L, (a, d) => a * d)).Select(i => MathF.Sin(i * 0.37f)).ToArray();
        float LossAt(long seed)
        {
            using var stepper = new PackageStepper(package);
            return stepper.Step(video, Shape, [0, 1, 2, 1], 1e-2f, 1, 0, dropoutSeed: seed).Loss;
        }
        Assert.Equal(LossAt(5), LossAt(5));
        Assert.NotEqual(LossAt(5), LossAt(6));
    }

    [Fact]
    public void DropoutOffKeepsTheModelsDropoutInInferenceFormButLoraDropoutStillTrains()
    {
        var off = Package(VitWithFeatureDropout(dropPath: 0.5f, featureDropout: 0.3f), modelDropout: false);
        Assert.Empty(off.Manifest.Dropout);
        Assert.Null(off.Io.DropoutSeed);
        Assert.DoesNotContain(OnnxModelFile.Load(off.TrainStepPath).Graph.Input, i => i.Name == SeededDropout.SeedInput);

        var lora = Package(VitWithFeatureDropout(dropPath: 0, featureDropout: 0), modelDropout: false,
            TuningSpec.Parse("lora:r=2,alpha=2,dropout=0.2,target=attention\\.attention\\.query"));
        Assert.Equal(3, lora.Manifest.Dropout.Count);
        Assert.All(lora.Manifest.Dropout, d => Assert.Equal(0.2f, d.Ratio));
        Assert.Equal(SeededDropout.SeedInput, lora.Io.DropoutSeed);
    }

    /// <summary>The hash's masks: the asked-for keep rate, and no visible dependence between seeds or neighbours.</summary>
    [Fact]
    public void SeededMasksKeepTheRightShareIndependentlyOfSeedAndPosition()
    {
        const double Ratio = 0.3;
        long[] shape = [400, 250];
        var g = new GraphBuilder("mask");
        g.Input("x", DataType.Float, shape.Select(d => (Dim)d).ToArray());
        var seed = g.Input("seed", DataType.Int64);
        var mask = SeededDropout.Mask(g, "x", DataType.Float, Ratio, seed, SeededDropout.SaltOf(0));
        g.Graph.Node.Add(new NodeProto { OpType = "Identity", Name = "out", Input = { mask }, Output = { "mask" } });
        g.Output("mask", DataType.Float, shape.Select(d => (Dim)d).ToArray());
        using var runner = new OrtModelRunner(OnnxModels.Create(g.Graph, 17));
        bool[] Keep(long s) => runner.Run(new Dictionary<string, (Array, long[])> { ["x"] = (new float[100_000], shape), ["seed"] = (new[] { s }, []) }, ["mask"])["mask"]
            .Select(v => v != 0).ToArray();
        var a = Keep(1);
        var b = Keep(2);
        Assert.All(runner.Run(new Dictionary<string, (Array, long[])> { ["x"] = (new float[100_000], shape), ["seed"] = (new[] { 1L }, []) }, ["mask"])["mask"],
            v => Assert.True(v == 0 || Math.Abs(v - 1 / (1 - Ratio)) < 1e-6));
        // Binomial(100 000, 0.7) has a standard deviation of 0.0014 in the share; 0.01 is seven of them.
        Assert.InRange(a.Count(k => k) / 1e5, 0.69, 0.71);
        Assert.InRange(b.Count(k => k) / 1e5, 0.69, 0.71);
        // Independent masks agree on 0.7² + 0.3² = 0.58 of the elements, as do neighbours.
        Assert.InRange(a.Zip(b).Count(p => p.First == p.Second) / 1e5, 0.57, 0.59);
        Assert.InRange(a.Zip(a.Skip(1)).Count(p => p.First == p.Second) / (1e5 - 1), 0.57, 0.59);
        Assert.InRange(a.Zip(a.Skip(250)).Count(p => p.First == p.Second) / (1e5 - 250), 0.57, 0.59);
    }

    private ModelProto VitWithFeatureDropout(float dropPath, float featureDropout)
    {
        var architecture = new VideoVit(new VideoVitConfig { Depth = 3, Width = 32, Heads = 4, Patch = 8, Tubelet = 2, DefaultFrames = 4, DefaultSize = 16 }, "video_vit_test");
        var model = ModelZoo.Build(architecture, new ZooOptions { Classes = 3, Frames = 4, Size = 16, Seed = 13, DropPathRate = dropPath });
        if (featureDropout > 0)
        {
            // An imported model's own Dropout, in the inference form exporters write: ratio, no training_mode.
            var graph = model.Graph;
            var classifier = graph.Node.Single(n => n.Input.Contains(ModelZoo.FeaturesName));
            var ratio = TensorProtos.FromFloats("features_dropout_ratio", [featureDropout]);
            graph.Initializer.Add(ratio);
            var dropout = new NodeProto { OpType = "Dropout", Name = "features_dropout", Input = { ModelZoo.FeaturesName, ratio.Name }, Output = { "features_dropped" } };
            classifier.Input[classifier.Input.IndexOf(ModelZoo.FeaturesName)] = "features_dropped";
            graph.Node.Insert(graph.Node.IndexOf(classifier), dropout);
        }
        return model;
    }

    private TrainingPackage Package(ModelProto model, bool modelDropout, TuningSpec? tuning = null)
    {
        var dir = temp.File($"package{Guid.NewGuid():N}");
        TrainingPackageWriter.Write(model, new TrainingPackageOptions
        {
            Tuning = tuning ?? TuningSpec.Full,
            Optimizer = new OptimizerSettings { Kind = OptimizerKind.AdamW, WeightDecay = 0.02f },
            LabelSmoothing = 0.05f,
            ModelDropout = modelDropout,
        }, dir);
        return TrainingPackage.Load(dir);
    }
}
