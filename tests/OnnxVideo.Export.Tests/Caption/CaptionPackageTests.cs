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

    [Fact]
    public void TheExportedCaptionerOfALoraPackageGivesTheEvalGraphsLogits()
    {
        var dir = temp.File("package");
        var tokenizer = temp.File("tokenizer.json");
        BpeTokenizer.Train(["a b"], VideoCaptionConfig.MinVocabularySize).Save(tokenizer);
        var config = CaptionTestModels.Config() with { VocabularySize = VideoCaptionConfig.MinVocabularySize };
        var built = VideoCaptionZoo.Build(config, null, null, seed: 2);
        ModelContracts.Write(built.Model, built.Architecture.DefaultContract(built.Frames, built.Size));
        var spec = TuningSpec.Parse("lora:r=4,alpha=8,seed=1,target=(self_attn|encoder_attn)\\.(q|v)_proj");
        TrainingPackageWriter.Write(built.Model, new TrainingPackageOptions { Tuning = spec, TokenizerPath = tokenizer }, dir);
        var package = TrainingPackage.Load(dir);
        Assert.Equal(8, package.Manifest.Tuning.LoraAdapters.Count);
        var random = new Random(3);
        var video = CaptionTestModels.RandomVideo(random, CaptionTestModels.VideoShape);
        var (tokens, targets, shape) = CaptionTestModels.Batch(random, config.VocabularySize, 4, 2);
        using var stepper = new PackageStepper(package);
        for (var step = 1; step <= 2; step++)
        {
            stepper.StepCaption(video, CaptionTestModels.VideoShape, tokens, targets, shape, 5e-2f, step, 0);
        }
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
        using var encoder = new OrtModelRunner(Path.Combine(folder, "encoder.onnx"));
        var memory = encoder.Run(new Dictionary<string, (Array, long[])> { ["video"] = (video, CaptionTestModels.VideoShape) }, ["memory"])["memory"];
        using var decoder = new OrtModelRunner(Path.Combine(folder, "decoder.onnx"));
        var memoryShape = new long[] { 2, package.Manifest.Caption!.MemoryTokens, package.Manifest.Caption.ModelDim };
        var actual = decoder.Run(new Dictionary<string, (Array, long[])> { ["memory"] = (memory, memoryShape), ["tokens"] = (tokens, shape) }, ["logits"])["logits"];
        Assert.Equal(expected, actual, new ToleranceComparer(1e-5f, 1e-4f));
        // The adapters trained: the exported logits are not those of the initial weights.
        var initial = package.ReadTrainable();
        foreach (var p in package.Parameters)
        {
            evalInputs[p.Name] = (initial[p.Name], p.Shape);
        }
        Assert.NotEqual(eval.Run(evalInputs, ["logits"])["logits"], actual, new ToleranceComparer(1e-5f, 1e-4f));
        Assert.True(File.Exists(Path.Combine(folder, "captioner.json")) && File.Exists(Path.Combine(folder, "tokenizer.json")));
    }

    [Fact]
    public void BottleneckAdaptersAreRefusedWithAReason()
    {
        var error = Assert.Throws<TrainingPackageException>(() => TrainingGraphCompiler.Compile(Model().Model,
            new TrainingPackageOptions { Tuning = TuningSpec.ForAdapter(new AdapterOptions { Dim = 4 }) }, "cap.onnx"));
        Assert.Contains("cap.onnx", error.Message);
        Assert.Contains("pattern:^decoder", error.Message);
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
