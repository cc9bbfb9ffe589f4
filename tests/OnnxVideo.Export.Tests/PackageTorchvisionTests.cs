using OnnxVideo.Packaging.Optimizers;
using OnnxVideo.Packaging;
using OnnxVideo.Models.Compilation;
using OnnxVideo.Export.Tests.PackageSupport;
using OnnxVideo.Models.Tuning;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Safetensors;

namespace OnnxVideo.Export.Tests;

/// <summary>
/// A torchvision video ResNet exported by torch.onnx.export, compiled into a package and stepped three times on ORT,
/// against the same torchvision module stepped by torch autograd + torch.optim.
/// </summary>
public sealed class PackageTorchvisionTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void ThreeAdamWStepsOfAFullyFineTunedVideoResNetMatchPyTorch()
    {
        long[] shape = [2, 3, 4, 32, 32];
        var videos = Enumerable.Range(0, 3).Select(k => temp.File($"video{k}.f32")).ToArray();
        var onnx = temp.File("model.onnx");
        var common = new { seed = 0, classes = 4, shape, step_count = 3 };
        var export = PythonReference.Run("torchvision_reference.py", new { common.seed, common.classes, common.shape, common.step_count, phase = "export", onnx, videos });
        var labels = export["labels"]!.AsArray().Select(l => l!.AsArray().Select(v => (long)v!).ToArray()).ToArray();

        var settings = new OptimizerSettings { Kind = OptimizerKind.AdamW, WeightDecay = 0.05f, Epsilon = 1e-8f };
        var dir = temp.File("package");
        TrainingPackageWriter.Write(OnnxModelFile.Load(onnx), new TrainingPackageOptions { Tuning = TuningSpec.Full, Optimizer = settings, LabelSmoothing = 0.1f }, dir);
        var package = TrainingPackage.Load(dir);
        // Every torch parameter, and nothing else, is trained; every BatchNorm trains with batch statistics.
        Assert.Equal(export["parameters"]!.AsArray().Select(n => (string)n!).Order(), package.Parameters.Select(p => p.Name).Order());

        float[] lrs = [1e-3f, 2e-3f, 1.5e-3f];
        float[] clips = [0f, 1f, 0f];
        var losses = new List<float>();
        var norms = new List<float>();
        using (var stepper = new PackageStepper(package))
        {
            for (var k = 0; k < 3; k++)
            {
                var video = new float[shape.Aggregate(1L, (a, d) => a * d)];
                Buffer.BlockCopy(File.ReadAllBytes(videos[k]), 0, video, 0, video.Length * 4);
                var (loss, norm, _) = stepper.Step(video, shape, labels[k], lrs[k], k + 1, clips[k]);
                losses.Add(loss);
                norms.Add(norm);
            }
            var final = temp.File("torch.safetensors");
            var reference = PythonReference.Run("torchvision_reference.py", new
            {
                common.seed, common.classes, common.shape, common.step_count, phase = "train",
                parameter_order = package.Parameters.Select(p => p.Name),
                optimizer = "adamw", weight_decay = settings.WeightDecay, eps = settings.Epsilon, label_smoothing = 0.1,
                steps = Enumerable.Range(0, 3).Select(k => new { lr = lrs[k], clip = clips[k] }),
                @out = final,
            });
            Assert.Equal(PythonReference.Floats(reference["losses"]), losses, new ToleranceComparer(1e-5f, 1e-4f));
            Assert.Equal(PythonReference.Floats(reference["norms"]), norms, new ToleranceComparer(1e-5f, 1e-3f));
            using var torch = SafetensorsFile.Open(final);
            var initial = package.ReadTrainable();
            // Adam divides each gradient element by its own magnitude, so an element whose ReLU input sits within
            // float32 rounding of 0 (ORT and torch round differently) can move by a different ±lr, and the running
            // statistics of later steps see those weights. Compare the whole change of each tensor instead: a wrong
            // rule, sign or factor gives errors near 100 %.
            foreach (var (name, actual) in stepper.Parameters.Concat(stepper.Buffers))
            {
                var expected = torch.ReadFloats(name);
                var start = initial[name];
                double error = 0, update = 0;
                for (var i = 0; i < expected.Length; i++)
                {
                    error += Math.Pow(expected[i] - actual[i], 2);
                    update += Math.Pow(expected[i] - start[i], 2);
                }
                Assert.True(update > 0, $"{name} did not move");
                Assert.True(Math.Sqrt(error / update) < 0.05, $"{name}: |ours - torch| / |torch change| = {Math.Sqrt(error / update):F4}");
            }
            Assert.Equal(export["statistics"]!.AsArray().Select(n => (string)n!).Order(), package.Buffers.Select(b => b.Name).Order());
        }
    }
}
