using OnnxVideo.Export.Tests.PackageSupport;
using OnnxVideo.Models.Compilation;
using OnnxVideo.Models.Tuning;
using OnnxVideo.Models.Zoo;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Safetensors;
using OnnxVideo.Packaging;
using OnnxVideo.Packaging.Optimizers;
using OnnxVideo.Packaging.Tuning;

namespace OnnxVideo.Export.Tests;

/// <summary>A model with a features output keeps it through packaging, training and the inference export.</summary>
public sealed class InferenceExportFeaturesTests : IDisposable
{
    private static readonly long[] Shape = [4, 3, 4, 16, 16];
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void The_exported_model_outputs_the_trained_features_after_the_logits()
    {
        var model = ModelZoo.Build("tiny3d", new ZooOptions { Classes = 4, Frames = (int)Shape[2], Size = (int)Shape[3], Seed = 5, FeaturesOutput = true });
        var dir = temp.File("package");
        TrainingPackageWriter.Write(model, new TrainingPackageOptions
        {
            Tuning = TuningSpec.Full,
            Optimizer = new OptimizerSettings { Kind = OptimizerKind.Sgd, Momentum = 0.9f },
        }, dir);
        var package = TrainingPackage.Load(dir);
        var random = new Random(3);
        var video = Enumerable.Range(0, (int)Shape.Aggregate(1L, (a, d) => a * d)).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        using var stepper = new PackageStepper(package);
        stepper.StepAll([new GraphReference.Step(video, Shape, [0, 1, 2, 3], 0.1f, 0f), new GraphReference.Step(video, Shape, [0, 1, 2, 3], 0.1f, 0f)]);
        var weights = temp.File("trained.safetensors");
        SafetensorsWriter.WriteFile(weights, package.Parameters.Select(p => SafetensorsTensor.FromFloats(p.Name, stepper.Parameters[p.Name], p.Shape))
            .Concat(package.Buffers.Select(b => SafetensorsTensor.FromFloats(b.Name, stepper.Buffers[b.Name], b.Shape))).ToList());

        var exportedPath = temp.File("model.onnx");
        InferenceExport.Export(package, weights, exportedPath);
        Assert.Equal(["logits", "features"], OnnxModelFile.Load(exportedPath).Graph.Output.Select(o => o.Name));

        var inputs = new Dictionary<string, (Array, long[])> { ["video"] = (video, Shape) };
        using var exported = new OrtModelRunner(exportedPath);
        var features = exported.Run(inputs, ["features"])["features"];
        // The trained weights' features: the package's eval graph run with them.
        using var eval = new OrtModelRunner(package.EvalPath);
        var evalInputs = new Dictionary<string, (Array, long[])>(inputs) { ["labels"] = (new long[] { 0, 1, 2, 3 }, [4]) };
        foreach (var p in package.Parameters)
        {
            evalInputs[p.Name] = (stepper.Parameters[p.Name], p.Shape);
        }
        foreach (var b in package.Buffers)
        {
            evalInputs[b.Name] = (stepper.Buffers[b.Name], b.Shape);
        }
        Assert.Equal(eval.Run(evalInputs, ["features"])["features"], features, new ToleranceComparer(1e-5f, 1e-4f));
        using var untrained = new OrtModelRunner(model);
        Assert.NotEqual(untrained.Run(inputs, ["features"])["features"], features, new ToleranceComparer(1e-5f, 1e-4f));
    }
}
