using OnnxVideo.Packaging.Optimizers;
using OnnxVideo.Packaging;
using OnnxVideo.Models.Compilation;
using OnnxVideo.Export.Tests.PackageSupport;
using OnnxVideo.Models.Tuning;
using OnnxVideo.Models.Zoo;
using OnnxVideo.Onnx.Safetensors;

namespace OnnxVideo.Export.Tests;

/// <summary>A small video_vit with LoRA on the attention query/value projections, stepped against PyTorch.</summary>
public sealed class PackageVideoVitLoraTests : IDisposable
{
    private static readonly long[] Shape = [3, 4, 3, 16, 16];
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void ThreeAdamWStepsOfLoraAdaptersMatchPyTorch()
    {
        var architecture = new VideoVit(new VideoVitConfig { Depth = 2, Width = 32, Heads = 4, Patch = 8, Tubelet = 2, DefaultFrames = 4, DefaultSize = 16 }, "video_vit_test");
        var model = ModelZoo.Build(architecture, new ZooOptions { Classes = 3, Frames = 4, Size = 16, Seed = 11 });
        var dir = temp.File("package");
        var spec = TuningSpec.Parse("lora:r=4,alpha=8,seed=2,target=attention\\.attention\\.(query|value)");
        var settings = new OptimizerSettings { Kind = OptimizerKind.AdamW, WeightDecay = 0.02f };
        TrainingPackageWriter.Write(model, new TrainingPackageOptions { Tuning = spec, Optimizer = settings, LabelSmoothing = 0.05f }, dir);
        var package = TrainingPackage.Load(dir);
        var adapters = package.Manifest.Tuning.LoraAdapters;
        Assert.Equal(4, adapters.Count);
        Assert.All(adapters, a => Assert.Matches("attention\\.attention\\.(query|value)\\.weight$", a.Weight));
        Assert.Equal(4 * 2 + 2, package.Parameters.Count);

        var random = new Random(4);
        GraphReference.Step[] steps = Enumerable.Range(0, 3).Select(k => new GraphReference.Step(
            Enumerable.Range(0, (int)Shape.Aggregate(1L, (a, d) => a * d)).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray(),
            Shape, [0, 1, 2], k == 1 ? 2e-2f : 1e-2f, k == 2 ? 0.05f : 0f)).ToArray();
        using var stepper = new PackageStepper(package);
        var (losses, norms) = stepper.StepAll(steps);
        var reference = GraphReference.Run(package, steps, temp.Path);
        Assert.Equal(reference.Losses, losses, new ToleranceComparer(1e-5f, 1e-4f));
        Assert.Equal(reference.Norms, norms, new ToleranceComparer(1e-6f, 1e-3f));
        using var torch = SafetensorsFile.Open(reference.FinalWeights);
        var initial = package.ReadTrainable();
        foreach (var p in package.Parameters)
        {
            var expected = torch.ReadFloats(p.Name);
            Assert.NotEqual(initial[p.Name], expected);
            Assert.Equal(expected, stepper.Parameters[p.Name], new ToleranceComparer(2e-5f, 1e-3f));
        }

        // The merged inference model (x·(W + s·B·A)ᵀ) gives the eval graph's logits (x·Wᵀ + s·x·Aᵀ·Bᵀ).
        var weights = temp.File("trained.safetensors");
        SafetensorsWriter.WriteFile(weights, package.Parameters.Select(p => SafetensorsTensor.FromFloats(p.Name, stepper.Parameters[p.Name], p.Shape)).ToList());
        var exported = temp.File("model.onnx");
        InferenceExport.Export(package, weights, exported);
        using var eval = new OrtModelRunner(package.EvalPath);
        var inputs = new Dictionary<string, (Array, long[])> { ["video"] = (steps[0].Video, Shape), ["labels"] = (steps[0].Labels, [3]) };
        foreach (var p in package.Parameters)
        {
            inputs[p.Name] = (stepper.Parameters[p.Name], p.Shape);
        }
        using var inference = new OrtModelRunner(exported);
        Assert.Equal(eval.Run(inputs, ["logits"])["logits"],
            inference.Run(new Dictionary<string, (Array, long[])> { ["video"] = (steps[0].Video, Shape) }, ["logits"])["logits"],
            new ToleranceComparer(1e-5f, 1e-4f));
    }
}
