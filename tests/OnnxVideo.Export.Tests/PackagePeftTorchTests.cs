using Xunit.Abstractions;
using OnnxVideo.Export.Tests.Cli;
using OnnxVideo.Export.Tests.PackageSupport;
using OnnxVideo.Models.Zoo;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Safetensors;
using OnnxVideo.Packaging;
using OnnxVideo.Packaging.Tuning;

namespace OnnxVideo.Export.Tests;

/// <summary>
/// Packages written by <c>onnxvideo-export package --tune adapter:… / prompt:…</c>, stepped three times with AdamW on
/// ORT, against the same tuning written directly in PyTorch (PackagePython/peft_reference.py) on the same weights.
/// </summary>
public sealed class PackagePeftTorchTests(ITestOutputHelper output) : IDisposable
{
    private const int Classes = 3;
    private static readonly VideoVitConfig VitConfig = new() { Depth = 2, Width = 32, Heads = 4, Patch = 8, Tubelet = 2, DefaultFrames = 4, DefaultSize = 16 };
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Theory]
    [InlineData("adapter:dim=16", "mean")]
    [InlineData("prompt:tokens=4", "cls")]
    [InlineData("prompt:tokens=4,deep", "mean")]
    [InlineData("prompt:tokens=3,deep+adapter:dim=8,scale=0.5,temporal,target=0\\.|mlp", "cls")]
    public void ThreeAdamWStepsOnVideoVitMatchPyTorch(string tune, string pooling)
    {
        var config = new { depth = VitConfig.Depth, width = VitConfig.Width, heads = VitConfig.Heads, mlp = VitConfig.EffectiveMlpWidth,
            tubelet = VitConfig.Tubelet, patch = VitConfig.Patch, pooling, classes = Classes };
        var weights = temp.File("weights.safetensors");
        PythonReference.Run("peft_reference.py", new { phase = "weights", model = "video_vit", config, seed = 3, @out = weights });
        var architecture = new VideoVit(VitConfig with { Pooling = pooling == "cls" ? VideoVitPooling.Cls : VideoVitPooling.Mean }, "video_vit_test");
        var onnx = temp.File("model.onnx");
        OnnxModelFile.Save(ModelZoo.Build(architecture, new ZooOptions { Classes = Classes, Frames = 4, Size = 16, WeightsPath = weights }), onnx);
        var (package, reference, ours) = StepBoth("video_vit", config, onnx, weights, tune, [2, 4, 3, 16, 16]);

        var tuning = package.Manifest.Tuning;
        if (tune.Contains("adapter"))
        {
            var expected = tune.Contains("target") ? new[] { "adapter.0.attention", "adapter.0.mlp", "adapter.1.mlp" }
                : ["adapter.0.attention", "adapter.0.mlp", "adapter.1.attention", "adapter.1.mlp"];
            Assert.Equal(expected, tuning.Adapters!.Select(a => a.Site));
        }
        if (tune.Contains("prompt"))
        {
            Assert.Equal(tune.Contains("deep") ? ["prompt.0.tokens", "prompt.1.tokens"] : new[] { "prompt.tokens" }, tuning.Prompts!.Tensors);
        }
        using var torch = SafetensorsFile.Open(reference.FinalWeights);
        foreach (var p in package.Parameters)
        {
            var expected = torch.ReadFloats(p.Name);
            output.WriteLine($"{p.Name}: max |ours - torch| {expected.Zip(ours[p.Name]).Max(e => Math.Abs(e.First - e.Second)):E2}");
            Assert.Equal(expected, ours[p.Name], new ToleranceComparer(2e-5f, 1e-3f));
        }
        // Not a comparison of two unchanged models: the head, every up-projection and every prompt moved. (With [CLS]
        // pooling the last block's patch tokens do not reach the logits, so its temporal convolutions rightly stay.)
        var initial = package.ReadTrainable();
        var moving = package.Parameters.Select(p => p.Name).Where(n => n.StartsWith("classifier.") || n.EndsWith(".up.weight") || n.StartsWith("prompt."));
        Assert.All(moving, n => Assert.NotEqual(initial[n], ours[n]));
    }

    [Fact]
    public void AdaptersAndPromptsOnAViTExportedByTorchOnnxExportMatchPyTorch()
    {
        var config = new { depth = 2, width = 32, heads = 4, mlp = 64, tubelet = 2, patch = 8, pooling = "mean", classes = Classes };
        var weights = temp.File("weights.safetensors");
        var onnx = temp.File("exported.onnx");
        PythonReference.Run("peft_reference.py", new { phase = "weights", model = "video_vit", config, seed = 7, @out = weights, onnx, shape = new[] { 2, 4, 16 } });
        var (package, reference, ours) = StepBoth("video_vit", config, onnx, weights, "adapter:dim=8+prompt:tokens=2,deep", [2, 4, 3, 16, 16]);
        Assert.Equal(4, package.Manifest.Tuning.Adapters!.Count);
        Assert.Equal(2, package.Manifest.Tuning.Prompts!.Tensors.Count);
        using var torch = SafetensorsFile.Open(reference.FinalWeights);
        Assert.All(package.Parameters, p => Assert.Equal(torch.ReadFloats(p.Name), ours[p.Name], new ToleranceComparer(2e-5f, 1e-3f)));
    }

    [Theory]
    [InlineData("adapter:dim=16")]
    [InlineData("adapter:dim=8,temporal,target=adapter\\.[01]\\.")]
    public void ThreeAdamWStepsOnR2Plus1d18MatchPyTorch(string tune)
    {
        var config = new { classes = Classes };
        var weights = temp.File("weights.safetensors");
        PythonReference.Run("peft_reference.py", new { phase = "weights", model = "r2plus1d_18", config, seed = 5, @out = weights });
        var onnx = temp.File("model.onnx");
        OnnxModelFile.Save(ModelZoo.Build("r2plus1d_18", new ZooOptions { Classes = Classes, Frames = 4, Size = 32, WeightsPath = weights }), onnx);
        var (package, reference, ours) = StepBoth("r2plus1d_18", config, onnx, weights, tune, [2, 3, 4, 32, 32], lr: 1e-3f, eps: "1e-4");

        Assert.Equal(tune.Contains("target") ? 2 : 8, package.Manifest.Tuning.Adapters!.Count);
        Assert.Empty(package.Buffers);
        using var torch = SafetensorsFile.Open(reference.FinalWeights);
        var initial = package.ReadTrainable();
        // Adam divides each gradient element by its own magnitude, so an element whose gradient is float32 noise (after
        // 18 layers of ReLUs whose inputs sit within rounding of 0) moves by ±lr either way. ε = 1e-4 makes such elements
        // move in proportion to their gradient; the whole change of each tensor is compared, as the torchvision test does.
        foreach (var p in package.Parameters)
        {
            var (expected, actual, start) = (torch.ReadFloats(p.Name), ours[p.Name], initial[p.Name]);
            double error = 0, update = 0;
            for (var i = 0; i < expected.Length; i++)
            {
                error += Math.Pow(expected[i] - actual[i], 2);
                update += Math.Pow(expected[i] - start[i], 2);
            }
            Assert.True(update > 0, $"{p.Name} did not move");
            output.WriteLine($"{p.Name}: relative difference of the change {Math.Sqrt(error / update):E2}");
            Assert.True(Math.Sqrt(error / update) < 0.05, $"{p.Name}: |ours - torch| / |torch change| = {Math.Sqrt(error / update):F4}");
        }
    }

    /// <summary>Packages <paramref name="onnx"/> with the CLI, takes three steps on ORT and in PyTorch; compares losses and norms.</summary>
    private (TrainingPackage Package, (float[] Losses, float[] Norms, string FinalWeights) Reference, Dictionary<string, float[]> Ours) StepBoth(
        string model, object config, string onnx, string weights, string tune, long[] shape, float lr = 1e-2f, string eps = "1e-8")
    {
        var dir = temp.File("package");
        var (code, stdout, stderr) = ExportToolRunner.Run("package", "--model", onnx, "--tune", tune, "--weight-decay", "0.02",
            "--label-smoothing", "0.05", "--eps", eps, "--out", dir);
        Assert.True(code == 0, stderr);
        var package = TrainingPackage.Load(dir);
        Assert.Equal(tune.Contains('+') ? TuningKind.Composite : tune.StartsWith("adapter") ? TuningKind.Adapter : TuningKind.Prompt, package.Manifest.Tuning.Kind);
        Assert.Contains($"tuning     {package.Manifest.Tuning.Spec}", stdout);
        if (tune.Contains("adapter"))
        {
            Assert.Contains($"{package.Manifest.Tuning.Adapters!.Count} bottleneck adapters", stdout);
        }
        if (tune.Contains("prompt"))
        {
            Assert.Contains($"{package.Manifest.Tuning.Prompts!.Tokens} prompt tokens", stdout);
        }

        var random = new Random(4);
        var steps = Enumerable.Range(0, 3).Select(k => new GraphReference.Step(
            Enumerable.Range(0, (int)shape.Aggregate(1L, (a, d) => a * d)).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray(),
            shape, [k % Classes, (k + 1) % Classes], k == 1 ? 2 * lr : lr, k == 2 ? 0.05f : 0f)).ToArray();
        using var stepper = new PackageStepper(package);
        var (losses, norms) = stepper.StepAll(steps);
        var settings = package.Manifest.Optimizer;
        var tuning = package.Manifest.Tuning;
        var final = temp.File("torch-final.safetensors");
        var result = PythonReference.Run("peft_reference.py", new
        {
            phase = "train", model, config, weights, trainable = package.TrainablePath,
            adapters = tuning.Adapters is { Count: > 0 } a ? new { sites = a.Select(x => x.Site), scale = a[0].Scale, temporal = a[0].Temporal } : null,
            prompts = tuning.Prompts is { } p ? new { tokens = p.Tokens, deep = p.Deep } : null,
            parameter_order = package.Parameters.Select(x => x.Name),
            decay = package.Parameters.Select(x => x.WeightDecay),
            optimizer = new { weight_decay = settings.WeightDecay, beta1 = settings.Beta1, beta2 = settings.Beta2, eps = settings.Epsilon },
            label_smoothing = package.Manifest.LabelSmoothing,
            steps = steps.Select((s, k) => new { video = WriteVideo(s.Video, k), shape = s.Shape, labels = s.Labels, lr = s.LearningRate, clip = s.Clip }),
            @out = final,
        });
        var reference = (PythonReference.Floats(result["losses"]), PythonReference.Floats(result["norms"]), final);
        output.WriteLine($"losses ours {string.Join(", ", losses)} torch {string.Join(", ", reference.Item1)}");
        output.WriteLine($"norms ours {string.Join(", ", norms)} torch {string.Join(", ", reference.Item2)}");
        Assert.Equal(reference.Item1, losses, new ToleranceComparer(1e-5f, 1e-4f));
        Assert.Equal(reference.Item2, norms, new ToleranceComparer(1e-6f, 1e-3f));
        return (package, reference, stepper.Parameters);
    }

    private string WriteVideo(float[] video, int k)
    {
        var path = temp.File($"video{k}.f32");
        var bytes = new byte[video.Length * 4];
        Buffer.BlockCopy(video, 0, bytes, 0, bytes.Length);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
