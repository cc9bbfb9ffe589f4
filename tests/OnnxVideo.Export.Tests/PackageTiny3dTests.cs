using OnnxVideo.Packaging.Optimizers;
using OnnxVideo.Packaging;
using OnnxVideo.Models.Compilation;
using OnnxVideo.Export.Tests.PackageSupport;
using OnnxVideo.Models.Tuning;
using OnnxVideo.Models.Zoo;
using OnnxVideo.Onnx.Safetensors;

namespace OnnxVideo.Export.Tests;

/// <summary>The zoo's tiny3d compiled into packages: stepped against PyTorch, and trained to fit one batch.</summary>
public sealed class PackageTiny3dTests : IDisposable
{
    private static readonly long[] Shape = [4, 3, 4, 16, 16];
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    private TrainingPackage Package(TuningSpec tuning, OptimizerSettings optimizer, float smoothing, BatchNormMode batchNorm = BatchNormMode.Auto)
    {
        var model = ModelZoo.Build("tiny3d", new ZooOptions { Classes = 4, Frames = (int)Shape[2], Size = (int)Shape[3], Seed = 5 });
        var dir = temp.File("package");
        TrainingPackageWriter.Write(model, new TrainingPackageOptions { Tuning = tuning, Optimizer = optimizer, LabelSmoothing = smoothing, BatchNorm = batchNorm }, dir);
        return TrainingPackage.Load(dir);
    }

    private static GraphReference.Step Batch(int seed, float lr, float clip)
    {
        var random = new Random(seed);
        var video = new float[Shape.Aggregate(1L, (a, d) => a * d)];
        for (var i = 0; i < video.Length; i++)
        {
            video[i] = (float)(random.NextDouble() * 2 - 1);
        }
        return new GraphReference.Step(video, Shape, [0, 1, 2, 3], lr, clip);
    }

    [Theory]
    [InlineData(nameof(BatchNormMode.Auto))]
    [InlineData(nameof(BatchNormMode.Frozen))]
    public void ThreeNesterovSgdStepsMatchPyTorch(string batchNormName)
    {
        var batchNorm = Enum.Parse<BatchNormMode>(batchNormName);
        var package = Package(TuningSpec.Full, new OptimizerSettings { Kind = OptimizerKind.Sgd, Momentum = 0.9f, Nesterov = true, WeightDecay = 0.01f }, 0.1f, batchNorm);
        Assert.Equal(["fc.bias", "fc.weight", "stages.0.0.weight", "stages.0.1.bias", "stages.0.1.weight"],
            package.Parameters.Select(p => p.Name).Where(n => n.StartsWith("fc", StringComparison.Ordinal) || n.StartsWith("stages.0", StringComparison.Ordinal)).Order());
        GraphReference.Step[] steps = [Batch(1, 0.05f, 0f), Batch(2, 0.1f, 0.5f), Batch(3, 0.05f, 0f)];
        using var stepper = new PackageStepper(package);
        var (losses, norms) = stepper.StepAll(steps);
        var reference = GraphReference.Run(package, steps, temp.Path);
        Assert.Equal(reference.Losses, losses, new ToleranceComparer(1e-5f, 1e-4f));
        Assert.Equal(reference.Norms, norms, new ToleranceComparer(1e-5f, 1e-4f));
        using var torch = SafetensorsFile.Open(reference.FinalWeights);
        var initial = package.ReadTrainable();
        foreach (var p in package.Parameters)
        {
            var expected = torch.ReadFloats(p.Name);
            Assert.NotEqual(initial[p.Name], expected);
            Assert.Equal(expected, stepper.Parameters[p.Name], new ToleranceComparer(2e-6f, 1e-4f));
        }
        // Full tuning trains every BatchNorm (batch statistics, running statistics updated as torch's model.train());
        // Frozen keeps the running statistics, as torch's eval().
        Assert.Equal(batchNorm == BatchNormMode.Auto ? 8 : 0, package.Buffers.Count); // four stages, running mean and variance each
        foreach (var b in package.Buffers)
        {
            var expected = torch.ReadFloats(b.Name);
            Assert.NotEqual(initial[b.Name], expected);
            Assert.Equal(expected, stepper.Buffers[b.Name], new ToleranceComparer(2e-6f, 1e-4f));
        }
    }

    [Fact]
    public void TrainingOnOneBatchDrivesTheLossToZero()
    {
        var package = Package(TuningSpec.Full, new OptimizerSettings { Kind = OptimizerKind.AdamW, WeightDecay = 0f }, 0f);
        var batch = Batch(7, 3e-3f, 0f);
        using var stepper = new PackageStepper(package);
        var losses = Enumerable.Range(1, 60).Select(step => stepper.Step(batch.Video, Shape, batch.Labels, batch.LearningRate, step, 1f).Loss).ToList();
        Assert.True(losses[0] > 1.2f, $"initial loss {losses[0]} (ln 4 = 1.39)");
        Assert.True(losses[^1] < 0.02f, $"loss after 60 steps {losses[^1]} (first {losses[0]})");
    }
}
