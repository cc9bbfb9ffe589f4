using OnnxVideo.Export.Tests.PackageSupport;
using OnnxVideo.Models.Compilation;
using OnnxVideo.Models.Tuning;
using OnnxVideo.Models.Zoo;
using OnnxVideo.Packaging;
using OnnxVideo.Packaging.Contracts;
using OnnxVideo.Onnx.Safetensors;
using OnnxVideo.Text;

namespace OnnxVideo.Export.Tests.Caption;

/// <summary>Tuning modes of captioning packages, the captioner export, and refused inputs.</summary>
public sealed class CaptionPackageTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    private static BuiltCaptionModel Model(int seed = 5)
    {
        var built = VideoCaptionZoo.Build(CaptionTestModels.Config(), null, null, seed);
        ModelContracts.Write(built.Model, built.Architecture.DefaultContract(built.Frames, built.Size));
        return built;
    }

    [Fact]
    public void AFrozenEncoderTrainsOnlyTheDecoder()
    {
        var dir = temp.File("package");
        TrainingPackageWriter.Write(Model().Model, new TrainingPackageOptions { Tuning = TuningSpec.Parse("pattern:^decoder\\.") }, dir);
        var package = TrainingPackage.Load(dir);
        Assert.All(package.Parameters, p => Assert.Matches("^(decoder\\.|lm_head\\.)", p.Name));
        Assert.Contains(package.Parameters, p => p.Name == CaptionNames.TokenEmbedding);
        Assert.True(package.Manifest.FrozenParameterCount > 0);
        var random = new Random(1);
        var (tokens, targets, shape) = CaptionTestModels.Batch(random, CaptionTestModels.Config().VocabularySize, 3, 5);
        using var stepper = new PackageStepper(package);
        var before = package.ReadTrainable();
        var (loss, norm, _) = stepper.StepCaption(CaptionTestModels.RandomVideo(random, CaptionTestModels.VideoShape), CaptionTestModels.VideoShape, tokens, targets, shape, 1e-2f, 1, 0);
        Assert.True(float.IsFinite(loss) && loss > 0 && norm > 0);
        Assert.All(package.Parameters, p => Assert.NotEqual(before[p.Name], stepper.Parameters[p.Name]));
    }

    /// <summary>
    /// Each tuning mode trains (the loss of one batch falls over four steps) and the exported captioner computes what
    /// was trained: encoder.onnx + decoder.onnx give the eval graph's teacher-forced logits, and so does decoding token
    /// by token with decoder_memory.onnx and decoder_step.onnx's key/value cache; neither equals the initial weights'.
    /// Adapters and prompts exist in the training graph only through the tuning rewrites, so a captioner graph that
    /// lacked them would give the untrained logits.
    /// </summary>
    [Theory]
    [InlineData("lora:r=4,alpha=8,seed=1,target=(self_attn|encoder_attn)\\.(q|v)_proj", 8, 0)]
    [InlineData("bitfit", 0, 0)]
    [InlineData("adapter:dim=4,seed=1", 0, 4 + 6)]
    [InlineData("adapter:dim=4,seed=2,target=^adapter\\.decoder\\.1\\.+prompt:tokens=2,seed=3", 0, 3)]
    [InlineData("prompt:tokens=3,seed=4,deep", 0, 0)]
    public void TheExportedCaptionerGivesTheEvalGraphsLogitsAfterTraining(string tuning, int loraAdapters, int bottlenecks)
    {
        var dir = temp.File("package");
        var tokenizer = temp.File("tokenizer.json");
        BpeTokenizer.Train(["a b"], VideoCaptionConfig.MinVocabularySize).Save(tokenizer);
        var config = CaptionTestModels.Config() with { VocabularySize = VideoCaptionConfig.MinVocabularySize };
        var built = VideoCaptionZoo.Build(config, null, null, seed: 2);
        ModelContracts.Write(built.Model, built.Architecture.DefaultContract(built.Frames, built.Size));
        TrainingPackageWriter.Write(built.Model, new TrainingPackageOptions { Tuning = TuningSpec.Parse(tuning), TokenizerPath = tokenizer }, dir);
        var package = TrainingPackage.Load(dir);
        Assert.Equal(loraAdapters, package.Manifest.Tuning.LoraAdapters.Count);
        Assert.Equal(bottlenecks, package.Parameters.Count(p => p.Name.EndsWith(".up.weight", StringComparison.Ordinal)));
        var random = new Random(3);
        var video = CaptionTestModels.RandomVideo(random, CaptionTestModels.VideoShape);
        var (tokens, targets, shape) = CaptionTestModels.Batch(random, config.VocabularySize, 4, 2);
        using var stepper = new PackageStepper(package);
        var losses = Enumerable.Range(1, 4).Select(step => stepper.StepCaption(video, CaptionTestModels.VideoShape, tokens, targets, shape, 5e-2f, step, 0).Loss).ToList();
        Assert.True(losses[^1] < losses[0], $"loss {string.Join(" → ", losses)}");
        var weights = temp.File("trained.safetensors");
        SafetensorsWriter.WriteFile(weights, package.Parameters.Select(p => SafetensorsTensor.FromFloats(p.Name, stepper.Parameters[p.Name], p.Shape)).ToList());
        var folder = temp.File("captioner");
        CaptionerExport.Export(package, weights, folder);

        var evalInputs = new Dictionary<string, (Array, long[])>
        {
            ["video"] = (video, CaptionTestModels.VideoShape), ["tokens"] = (tokens, shape), ["target_tokens"] = (targets, shape),
        };
        foreach (var p in package.Parameters)
        {
            evalInputs[p.Name] = (stepper.Parameters[p.Name], p.Shape);
        }
        using var eval = new OrtModelRunner(package.EvalPath);
        var expected = eval.Run(evalInputs, ["logits"])["logits"];
        var exported = new ExportedCaptioner(folder, package.Manifest.Caption!, rows: 2);
        var memory = exported.Memory(video, CaptionTestModels.VideoShape);
        Assert.Equal(expected, exported.TeacherForcedLogits(memory, tokens, shape), new ToleranceComparer(1e-5f, 1e-4f));
        Assert.Equal(expected, exported.StepByStepLogits(memory, tokens, shape), new ToleranceComparer(1e-5f, 1e-4f));
        var initial = package.ReadTrainable();
        foreach (var p in package.Parameters)
        {
            evalInputs[p.Name] = (initial[p.Name], p.Shape);
        }
        Assert.NotEqual(eval.Run(evalInputs, ["logits"])["logits"], expected, new ToleranceComparer(1e-5f, 1e-4f));
        Assert.True(File.Exists(Path.Combine(folder, "captioner.json")) && File.Exists(Path.Combine(folder, "tokenizer.json")));
    }

    [Fact]
    public void TemporalAdaptersAreRefusedWithAReason()
    {
        var error = Assert.Throws<TrainingPackageException>(() => TrainingGraphCompiler.Compile(Model().Model,
            new TrainingPackageOptions { Tuning = TuningSpec.ForAdapter(new AdapterOptions { Dim = 4, Temporal = true }) }, "cap.onnx"));
        Assert.Contains("cap.onnx", error.Message);
        Assert.Contains("temporal", error.Message);
    }

    [Fact]
    public void ATokenizerOfAnotherVocabularyIsRefused()
    {
        var tokenizer = temp.File("tokenizer.json");
        BpeTokenizer.Train(["a b"], VideoCaptionConfig.MinVocabularySize).Save(tokenizer);
        var error = Assert.Throws<InvalidInputException>(() => TrainingPackageWriter.Write(Model().Model,
            new TrainingPackageOptions { Tuning = TuningSpec.Full, TokenizerPath = tokenizer }, temp.File("package")));
        Assert.Equal(tokenizer, error.Input);
        Assert.Contains("264", error.Message);
        Assert.False(File.Exists(Path.Combine(temp.File("package"), TrainingPackageManifest.FileName)));
    }
}
