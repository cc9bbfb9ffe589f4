using System.Globalization;
using OnnxVideo.Export.Tests.PackageSupport;
using OnnxVideo.Models.Compilation;
using OnnxVideo.Models.Import;
using OnnxVideo.Models.Tuning;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Safetensors;
using OnnxVideo.Packaging;
using OnnxVideo.Packaging.Optimizers;
using OnnxVideo.Testing;
using Xunit.Abstractions;

namespace OnnxVideo.Export.Tests;

/// <summary>
/// torchvision's video classifiers, exported by torch.onnx.export with BatchNorm folded and preserved: the imported
/// model gives PyTorch's logits, a new head replaces the old one, every tuning mode packages, and one AdamW step of
/// full fine-tuning matches PyTorch (loss, gradient norm, updated parameters and running statistics). The default
/// run takes small stand-ins built from the same torchvision classes; the full-size models run with
/// ONNXVIDEO_HEAVY_TESTS=1 (the README's torchvision table).
/// </summary>
public sealed class TorchvisionModelTests(ITestOutputHelper output) : IDisposable
{
    internal const int Classes = 4;
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    public static TheoryData<string> SmallCases => [.. TorchvisionCase.Small.Select(c => c.Name)];

    public static TheoryData<string> FullSizeCases => [.. TorchvisionCase.FullSize.Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(SmallCases))]
    public void SmallStandInImportsPackagesAndStepsLikePyTorch(string name) => Check(TorchvisionCase.Find(name));

    [HeavyTheory]
    [MemberData(nameof(FullSizeCases))]
    public void FullSizeModelImportsPackagesAndStepsLikePyTorch(string name) => Check(TorchvisionCase.Find(name));

    private void Check(TorchvisionCase c)
    {
        var onnx = temp.File("model.onnx");
        var videoPath = temp.File("video.f32");
        var export = PythonReference.Run("torchvision_models_reference.py", c.Spec("export", onnx, new { video = videoPath }));
        var labels = export["labels"]!.AsArray().Select(v => (long)v!).ToArray();
        var video = ImportTestsFixture.ReadFloats(videoPath);

        // Kept head: the rewritten graph (unrolled loops, folded Ifs, Conv head as Gemm) computes PyTorch's logits.
        var kept = OnnxClassifierImporter.Import(onnx, new ImportOptions()).Model;
        var logits = OrtModelRunner.RunAll(kept, video, c.Shape)["logits"];
        Assert.Equal(PythonReference.Floats(export["logits"]), logits.Data, new ToleranceComparer(1e-4f, 0));

        var replaced = OnnxClassifierImporter.Import(onnx, new ImportOptions { NewClasses = 3, ExposeFeatures = true });
        var outputs = OrtModelRunner.RunAll(replaced.Model, video, c.Shape);
        Assert.Equal([c.Shape[0], 3], outputs["logits"].Shape);
        Assert.Equal(c.Shape[0] * replaced.OriginalHead.FeatureCount, outputs["features"].Data.Length);

        foreach (var tuning in new[] { TuningSpec.Head, TuningSpec.BitFit, TuningSpec.Parse("lora:r=4,alpha=8") })
        {
            var dir = temp.File("package-" + tuning.Kind);
            var manifest = TrainingPackageWriter.Write(kept.Clone(), new TrainingPackageOptions { Tuning = tuning }, dir);
            Assert.True(manifest.TrainableParameterCount > 0, $"{tuning}: nothing to train");
            Directory.Delete(dir, recursive: true);
        }
        var row = StepLikePyTorch(c, kept, onnx, video, labels);
        output.WriteLine($"| {c.Name} | ok | ok | {row} |");
    }

    /// <summary>One AdamW step of the full package against torch.optim.AdamW; returns the table cells of the comparison.</summary>
    private string StepLikePyTorch(TorchvisionCase c, Onnx.Proto.ModelProto model, string onnx, float[] video, long[] labels)
    {
        var settings = new OptimizerSettings { Kind = OptimizerKind.AdamW, WeightDecay = 0.05f, Epsilon = 1e-8f };
        var dir = temp.File("package-full");
        TrainingPackageWriter.Write(model, new TrainingPackageOptions { Tuning = TuningSpec.Full, Optimizer = settings, LabelSmoothing = 0.1f }, dir);
        var package = TrainingPackage.Load(dir);
        const float Lr = 1e-3f;
        float loss, norm;
        Dictionary<string, float[]> ours;
        using (var stepper = new PackageStepper(package))
        {
            (loss, norm, _) = stepper.Step(video, c.Shape, labels, Lr, 1, 0f);
            ours = stepper.Parameters.Concat(stepper.Buffers).ToDictionary(p => p.Key, p => p.Value);
        }
        var final = temp.File("torch.safetensors");
        var reference = PythonReference.Run("torchvision_models_reference.py", c.Spec("train", onnx, new
        {
            parameter_order = package.Parameters.Select(p => p.Name),
            buffer_order = package.Buffers.Select(b => b.Name),
            loss_only = c.MergesParameters, lr = Lr, weight_decay = settings.WeightDecay, eps = settings.Epsilon, label_smoothing = 0.1, @out = final,
        }));
        var (torchLoss, torchNorm) = ((float)reference["loss"]!, (float)reference["norm"]!);
        // Tensors that constant folding computed from several torch parameters have no torch counterpart; the others
        // still update alike (no clipping: each update depends on its own gradient only), but the norm spans them all.
        var merged = reference["unmatched"]!.AsArray().Select(v => (string)v!).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(torchLoss, loss, new ToleranceComparer(1e-5f, 1e-4f));
        if (merged.Count == 0)
        {
            Assert.Equal(torchNorm, norm, new ToleranceComparer(1e-5f, 1e-3f));
        }
        using var torch = SafetensorsFile.Open(final);
        var initial = package.ReadTrainable();
        double maxDiff = 0, worstRelative = 0;
        var wrong = new List<string>();
        var gradientNorms = reference["grad_norms"]!.AsObject().ToDictionary(p => p.Key, p => (double)p.Value!, StringComparer.Ordinal);
        foreach (var (name, actual) in ours.Where(p => !merged.Contains(p.Key)))
        {
            var expected = torch.ReadFloats(name);
            var start = initial[name];
            double error = 0, update = 0;
            for (var i = 0; i < expected.Length; i++)
            {
                error += Math.Pow(expected[i] - actual[i], 2);
                update += Math.Pow(expected[i] - start[i], 2);
                maxDiff = Math.Max(maxDiff, Math.Abs(expected[i] - actual[i]));
            }
            // Adam moves an element by about ±lr whatever its gradient, so a gradient within rounding of 0 can move
            // the other way: compare each tensor's whole change (see PackageTorchvisionTests).
            var relative = update > 0 ? Math.Sqrt(error / update) : Math.Sqrt(error);
            if (gradientNorms.TryGetValue(name, out var g) && g < 1e-6 * torchNorm)
            {
                // A gradient that is 0 but for rounding (e.g. a bias on attention keys, which softmax cancels): Adam
                // turns the noise into steps of ±lr in either direction, so both sides move by at most about lr.
                Assert.True(Math.Sqrt(error / expected.Length) <= 2.5 * Lr, $"{name}: rounding-level gradient moved by more than lr");
                continue;
            }
            worstRelative = Math.Max(worstRelative, relative);
            if (relative >= 0.05)
            {
                wrong.Add($"{name} {relative:F3}");
            }
        }
        Assert.True(wrong.Count == 0, "|ours - torch| / |torch change| ≥ 0.05: " + string.Join(", ", wrong));
        Directory.Delete(dir, recursive: true);
        return string.Create(CultureInfo.InvariantCulture,
            $"{Math.Abs(loss - torchLoss):G2} | {(merged.Count == 0 ? (Math.Abs(norm - torchNorm) / torchNorm).ToString("G2", CultureInfo.InvariantCulture) : $"n/a ({merged.Count} folded tensors)")} | {maxDiff:G2} ({worstRelative:G2} of the update)");
    }
}
