using OnnxVideo.Export.Tests.PackageSupport;
using OnnxVideo.Models.Compilation;
using OnnxVideo.Models.Tuning;
using OnnxVideo.Models.Zoo;
using OnnxVideo.Packaging;
using OnnxVideo.Packaging.Optimizers;
using OnnxVideo.Packaging.Tuning;
using OnnxVideo.Onnx.Safetensors;

namespace OnnxVideo.Export.Tests.Caption;

/// <summary>
/// Three AdamW steps of a captioning package (video_vit or tiny3d encoder + decoder, teacher forcing, padded targets)
/// against an independent PyTorch implementation of the model (PackagePython/caption_reference.py) from the same weights.
/// </summary>
public sealed class PackageCaptionTorchTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Theory]
    [InlineData(false, "full", null)]
    [InlineData(true, "full", null)]
    // Every weight trains, with bottleneck adapters (scale 0.5) on every encoder and decoder residual and deep prompts.
    [InlineData(false, "pattern:.+adapter:dim=4,scale=0.5,seed=1+prompt:tokens=2,seed=2,deep", null)]
    [InlineData(false, "full", "tiny3d")]
    public void ThreeAdamWStepsOfTheCaptionerMatchPyTorch(bool tie, string tuning, string? cnnEncoder)
    {
        var config = CaptionTestModels.Config(tie);
        long[] videoShape = CaptionTestModels.VideoShape;
        if (cnnEncoder is not null)
        {
            config = config with { Encoder = null, CnnEncoder = new CaptionCnnEncoderConfig { Architecture = cnnEncoder, Width = 32 } };
            videoShape = [2, 3, 8, 32, 32];
        }
        var built = VideoCaptionZoo.Build(config, (int)videoShape[cnnEncoder is null ? 1 : 2], (int)videoShape[3], seed: 5);
        var dir = temp.File("package");
        var settings = new OptimizerSettings { Kind = OptimizerKind.AdamW, WeightDecay = 0.02f };
        TrainingPackageWriter.Write(built.Model, new TrainingPackageOptions { Tuning = TuningSpec.Parse(tuning), Optimizer = settings, LabelSmoothing = 0.1f }, dir);
        var package = TrainingPackage.Load(dir);
        Assert.Equal(config.VocabularySize, package.Manifest.Caption!.VocabularySize);
        Assert.Equal(("tokens", "target_tokens"), (package.Io.Tokens, package.Io.TargetTokens));

        var random = new Random(8);
        var steps = Enumerable.Range(0, 3).Select(k =>
        {
            var (tokens, targets, shape) = CaptionTestModels.Batch(random, config.VocabularySize, 4, 2);
            return (Video: CaptionTestModels.RandomVideo(random, videoShape), Tokens: tokens, Targets: targets, Shape: shape,
                Lr: k == 1 ? 2e-2f : 1e-2f, Clip: k == 2 ? 0.05f : 0f);
        }).ToList();
        using var stepper = new PackageStepper(package);
        var results = steps.Select((s, k) => stepper.StepCaption(s.Video, videoShape, s.Tokens, s.Targets, s.Shape, s.Lr, k + 1, s.Clip)).ToList();

        var final = temp.File("torch-final.safetensors");
        var reference = PythonReference.Run("caption_reference.py", new
        {
            config = System.Text.Json.Nodes.JsonNode.Parse(config.ToJson()),
            weights = package.TrainablePath,
            parameter_order = package.Parameters.Select(p => p.Name),
            buffers = package.Buffers.Select(b => b.Name),
            decay = package.Parameters.Select(p => p.WeightDecay),
            optimizer = new { weight_decay = settings.WeightDecay, beta1 = settings.Beta1, beta2 = settings.Beta2, eps = settings.Epsilon },
            label_smoothing = 0.1f,
            adapter_scale = TuningSpec.Parse(tuning).Component(TuningKind.Adapter)?.Adapter?.Scale ?? 1f,
            pad = VideoCaptionConfig.Pad,
            shape = videoShape,
            steps = steps.Select(s => new { video = s.Video, tokens = Rows(s.Tokens, s.Shape), targets = Rows(s.Targets, s.Shape), lr = s.Lr, clip = s.Clip }),
            @out = final,
        });
        Assert.Equal(PythonReference.Floats(reference["logits"]), results[0].Logits, new ToleranceComparer(1e-5f, 1e-4f));
        Assert.Equal(PythonReference.Floats(reference["losses"]), results.Select(r => r.Loss), new ToleranceComparer(1e-5f, 1e-4f));
        Assert.Equal(PythonReference.Floats(reference["norms"]), results.Select(r => r.GradientNorm), new ToleranceComparer(1e-6f, 1e-3f));
        using var torch = SafetensorsFile.Open(final);
        var initial = package.ReadTrainable();
        foreach (var p in package.Parameters)
        {
            var expected = torch.ReadFloats(p.Name);
            Assert.NotEqual(initial[p.Name], expected);
            // Adam divides each element's step by its own gradient scale, so an element whose gradient is near zero in
            // some step moves by an amount that rounding decides: every element must be within a twentieth of the
            // learning rate, and all but 0.1 % within the tolerances of the other step comparisons.
            var ours = stepper.Parameters[p.Name];
            var strict = new ToleranceComparer(2e-5f, 1e-3f);
            var outside = expected.Zip(ours).Count(x => !strict.Equals(x.First, x.Second));
            Assert.True(outside <= expected.Length / 1000, $"{p.Name}: {outside} of {expected.Length} elements differ from PyTorch");
            Assert.Equal(expected, ours, new ToleranceComparer(5e-4f, 0f));
        }
        // tiny3d's BatchNorm trains with batch statistics: its running statistics move as in torch's model.train().
        Assert.Equal(cnnEncoder is null ? 0 : 8, package.Buffers.Count);
        foreach (var b in package.Buffers)
        {
            var expected = torch.ReadFloats(b.Name);
            Assert.NotEqual(initial[b.Name], expected);
            Assert.Equal(expected, stepper.Buffers[b.Name], new ToleranceComparer(2e-5f, 1e-4f));
        }
    }

    private static long[][] Rows(long[] values, long[] shape) =>
        Enumerable.Range(0, (int)shape[0]).Select(r => values.Skip(r * (int)shape[1]).Take((int)shape[1]).ToArray()).ToArray();
}
