using OnnxVideo.Testing;
using OnnxVideo.Export.Tests.PackageSupport;
using OnnxVideo.Models.Compilation;
using OnnxVideo.Models.Tuning;
using OnnxVideo.Models.Zoo;
using OnnxVideo.Packaging;
using OnnxVideo.Packaging.Optimizers;

namespace OnnxVideo.Export.Tests;

/// <summary>Layer-wise learning-rate decay on a small video_vit: each parameter's update is plain AdamW at its own rate.</summary>
public sealed class PackageLayerDecayTests : IDisposable
{
    private static readonly long[] Shape = [2, 4, 3, 16, 16];
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void EachParameterMovesByThePlainAdamWUpdateAtItsLayersDecayedRate()
    {
        const float Decay = 0.5f, Lr = 1e-2f, WeightDecay = 0.1f;
        const int Depth = 2;
        var package = Write(Decay, WeightDecay);
        Assert.Equal(Decay, package.Manifest.LayerDecay);
        // BEiT/VideoMAE: embeddings are layer 0, block i is layer i + 1, the rest (norms, head) layer Depth + 1.
        double ExpectedScale(string name) =>
            name.StartsWith("videomae.embeddings.", StringComparison.Ordinal) ? Math.Pow(Decay, Depth + 1)
            : name.StartsWith("videomae.encoder.layer.0.", StringComparison.Ordinal) ? Math.Pow(Decay, Depth)
            : name.StartsWith("videomae.encoder.layer.1.", StringComparison.Ordinal) ? Math.Pow(Decay, Depth - 1)
            : 1;
        Assert.All(package.Parameters, p => Assert.Equal(ExpectedScale(p.Name), p.LearningRateScale, 6));
        Assert.Contains(package.Parameters, p => p.Name.StartsWith("videomae.embeddings.", StringComparison.Ordinal));
        Assert.Contains(package.Parameters, p => p.Name.StartsWith("classifier.", StringComparison.Ordinal));

        var random = new Random(3);
        var video = Enumerable.Range(0, (int)Shape.Aggregate(1L, (a, d) => a * d)).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        long[] labels = [0, 2];
        var initial = package.ReadTrainable();
        using var gradientsGraph = new OrtModelRunner(package.GradientsPath);
        // The gradients graph takes soft targets [N, classes]: one-hot rows of the labels.
        var targets = new float[2 * 3];
        targets[0 * 3 + 0] = 1;
        targets[1 * 3 + 2] = 1;
        var inputs = new Dictionary<string, (Array, long[])> { ["video"] = (video, Shape), [package.Io.Targets ?? package.Io.Labels] = package.Io.Targets is null ? (labels, [2]) : (targets, [2, 3]) };
        foreach (var p in package.Parameters)
        {
            inputs[p.Name] = (initial[p.Name], p.Shape);
        }
        var gradients = gradientsGraph.Run(inputs, package.Parameters.Select(p => p.Gradient).ToList());
        using var stepper = new PackageStepper(package);
        stepper.Step(video, Shape, labels, Lr, 1, 0);

        var eps = package.Manifest.Optimizer.Epsilon;
        foreach (var p in package.Parameters)
        {
            // AdamW's first step: m̂ = g, v̂ = g², so p ← p·(1 − lr'·λ) − lr'·g / (|g| + ε) with lr' = lr · scale.
            var rate = Lr * ExpectedScale(p.Name);
            var g = gradients[p.Gradient];
            var start = initial[p.Name];
            var expected = start.Select((w, i) => (float)(w * (1 - (p.WeightDecay ? rate * WeightDecay : 0)) - rate * g[i] / (Math.Abs(g[i]) + eps))).ToArray();
            Assert.Equal(expected, stepper.Parameters[p.Name], new ToleranceComparer(2e-6f, 1e-4f));
        }
    }

    [Fact]
    public void ModelsWithoutTransformerBlocksAreRefusedNamingThem()
    {
        var model = ModelZoo.Build(Tiny3d.Instance, new ZooOptions { Classes = 3, Frames = 4, Size = 16 });
        var error = Assert.Throws<TrainingPackageException>(() => TrainingPackageWriter.Write(model,
            new TrainingPackageOptions { Tuning = TuningSpec.Full, LayerDecay = 0.75f }, temp.File("tiny")));
        Assert.Contains("layer-wise learning-rate decay needs transformer blocks", error.Message);
    }

    private TrainingPackage Write(float decay, float weightDecay)
    {
        var architecture = new VideoVit(new VideoVitConfig { Depth = 2, Width = 32, Heads = 4, Patch = 8, Tubelet = 2, DefaultFrames = 4, DefaultSize = 16 }, "video_vit_test");
        var model = ModelZoo.Build(architecture, new ZooOptions { Classes = 3, Frames = 4, Size = 16, Seed = 5 });
        var dir = temp.File("package");
        TrainingPackageWriter.Write(model, new TrainingPackageOptions
        {
            Tuning = TuningSpec.Full,
            Optimizer = new OptimizerSettings { Kind = OptimizerKind.AdamW, WeightDecay = weightDecay },
            LayerDecay = decay,
        }, dir);
        return TrainingPackage.Load(dir);
    }
}
