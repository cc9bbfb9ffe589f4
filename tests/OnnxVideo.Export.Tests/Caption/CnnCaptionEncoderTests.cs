using OnnxVideo.Export.Tests.PackageSupport;
using OnnxVideo.Models.Compilation;
using OnnxVideo.Models.Tuning;
using OnnxVideo.Models.Zoo;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;
using OnnxVideo.Onnx.Safetensors;
using OnnxVideo.Packaging;
using OnnxVideo.Packaging.Contracts;
using OnnxVideo.Text;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Export.Tests.Caption;

/// <summary>
/// A 3-D CNN's last feature map as the captioner's encoder: its tokens against the source classifier's feature map
/// (computed by ONNX Runtime from the classifier cut before its pooling), and its packages in every tuning mode.
/// </summary>
public sealed class CnnCaptionEncoderTests : IDisposable
{
    private const int Size = 32;
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    private static string Pretext => RepositoryFiles.PathOf("models/tiny3d-pretext.safetensors");

    private static VideoCaptionConfig Config(string cnn, int vocabulary = VideoCaptionConfig.MinVocabularySize + 5) =>
        CaptionTestModels.Config() with { Encoder = null, CnnEncoder = new CaptionCnnEncoderConfig { Architecture = cnn, Width = 32 }, VocabularySize = vocabulary };

    [Theory]
    [InlineData("tiny3d", "pretext classifier", 8)]
    [InlineData("tiny3d", "pretext weights", 8)]
    [InlineData("mc3_18", "trained classifier", 4)]
    public void TheCaptionersEncoderTokensAreTheSourceClassifiersFeatureMap(string cnn, string source, int frames)
    {
        var pretext = source.StartsWith("pretext", StringComparison.Ordinal);
        var classifier = ModelZoo.Build(cnn, new ZooOptions { Classes = 3, Frames = frames, Size = Size, Seed = 2, WeightsPath = pretext ? Pretext : null, NewHead = pretext });
        if (!pretext)
        {
            PerturbBatchNorm(classifier.Graph, new Random(4));
        }
        var classifierPath = temp.File("classifier.onnx");
        OnnxModelFile.Save(classifier, classifierPath);
        var built = source == "pretext weights"
            ? VideoCaptionZoo.Build(Config(cnn), frames, Size, seed: 3, weightsPath: Pretext)
            : VideoCaptionZoo.Build(Config(cnn), null, null, seed: 3, encoderPath: classifierPath);
        Assert.Equal((frames, Size), (built.Frames, built.Size));
        ModelContracts.Write(built.Model, built.Architecture.DefaultContract(built.Frames, built.Size));
        var dir = temp.File("package");
        TrainingPackageWriter.Write(built.Model, new TrainingPackageOptions { Tuning = TuningSpec.Parse("head") }, dir);

        long[] shape = [2, 3, frames, Size, Size];
        var video = CaptionTestModels.RandomVideo(new Random(6), shape);
        var encoder = OnnxModelFile.Load(Path.Combine(dir, "encoder.onnx"), loadExternalData: true);
        encoder.Graph.Output.Add(GraphBuilder.ValueInfo(CaptionNames.EncoderTokens, DataType.Float));
        var tokens = OrtModelRunner.RunAll(encoder, video, shape)[CaptionNames.EncoderTokens];
        var pool = classifier.Graph.Node.Single(n => n.OpType == "GlobalAveragePool");
        classifier.Graph.Output.Add(GraphBuilder.ValueInfo(pool.Input[0], DataType.Float));
        var map = OrtModelRunner.RunAll(classifier, video, shape)[pool.Input[0]];

        Assert.Equal(5, map.Shape.Length);
        var (batch, channels) = (map.Shape[0], map.Shape[1]);
        var positions = map.Shape[2] * map.Shape[3] * map.Shape[4];
        Assert.Equal([batch, positions, channels], tokens.Shape);
        Assert.True(positions > 1, $"{positions} memory token(s)");
        Assert.True(map.Data.Count(v => v > 0) > map.Data.Length / 10, "the feature map is almost all zero");
        // [N, C, T'·H'·W'] → [N, T'·H'·W', C]
        var expected = new float[map.Data.Length];
        for (var n = 0; n < batch; n++)
        {
            for (var c = 0; c < channels; c++)
            {
                for (var p = 0; p < positions; p++)
                {
                    expected[(n * positions + p) * channels + c] = map.Data[(n * channels + c) * positions + p];
                }
            }
        }
        Assert.Equal(expected, tokens.Data, new ToleranceComparer(1e-5f, 0f));
    }

    [Theory]
    [InlineData("full", 8)]
    [InlineData("bitfit", 8)]
    [InlineData("pattern:^decoder\\.", 0)]
    [InlineData("lora:r=2,alpha=4,seed=1", 0)]
    [InlineData("head", 0)]
    [InlineData("adapter:dim=4,seed=1", 0)]
    public void ATiny3dEncoderCaptionerPackagesAndItsExportGivesTheEvalGraphsLogits(string tune, int buffers)
    {
        var tokenizer = temp.File("tokenizer.json");
        BpeTokenizer.Train(["a b"], VideoCaptionConfig.MinVocabularySize).Save(tokenizer);
        var config = Config("tiny3d", VideoCaptionConfig.MinVocabularySize);
        var built = VideoCaptionZoo.Build(config, 8, Size, seed: 2);
        ModelContracts.Write(built.Model, built.Architecture.DefaultContract(built.Frames, built.Size));
        var dir = temp.File("package");
        TrainingPackageWriter.Write(built.Model, new TrainingPackageOptions { Tuning = TuningSpec.Parse(tune), TokenizerPath = tokenizer }, dir);
        var package = TrainingPackage.Load(dir);
        // BatchNorm as in classifier packages: batch statistics where its scale or bias trains, running statistics otherwise.
        Assert.Equal(buffers, package.Buffers.Count);
        Assert.Equal(8, package.Manifest.Caption!.MemoryTokens);
        if (tune.StartsWith("pattern", StringComparison.Ordinal))
        {
            Assert.All(package.Parameters, p => Assert.Matches("^(decoder\\.|lm_head\\.)", p.Name));
            Assert.Contains(package.Parameters, p => p.Name == CaptionNames.MemoryProjection + ".weight");
            Assert.Contains(package.Parameters, p => p.Name == CaptionNames.MemoryPositions);
        }
        else if (tune.StartsWith("adapter", StringComparison.Ordinal))
        {
            // A CNN has no transformer blocks: the adapters go on the decoder's residuals only.
            Assert.Equal(3 * config.Layers, package.Manifest.Tuning.Adapters!.Count);
            Assert.DoesNotContain(package.Parameters, p => p.Name.StartsWith("stages.", StringComparison.Ordinal));
        }
        else if (tune != "head")
        {
            Assert.Contains(package.Parameters, p => p.Name.StartsWith("stages.", StringComparison.Ordinal));
        }

        var random = new Random(3);
        long[] videoShape = [2, 3, 8, Size, Size];
        var video = CaptionTestModels.RandomVideo(random, videoShape);
        var (tokens, targets, shape) = CaptionTestModels.Batch(random, config.VocabularySize, 4, 2);
        using var stepper = new PackageStepper(package);
        var losses = Enumerable.Range(1, 2).Select(step => stepper.StepCaption(video, videoShape, tokens, targets, shape, 5e-2f, step, 0).Loss).ToList();
        Assert.All(losses, l => Assert.True(float.IsFinite(l) && l > 0, $"loss {l}"));
        var trained = package.Parameters.Select(p => SafetensorsTensor.FromFloats(p.Name, stepper.Parameters[p.Name], p.Shape))
            .Concat(package.Buffers.Select(b => SafetensorsTensor.FromFloats(b.Name, stepper.Buffers[b.Name], b.Shape))).ToList();
        var weights = temp.File("trained.safetensors");
        SafetensorsWriter.WriteFile(weights, trained);
        var folder = temp.File("captioner");
        CaptionerExport.Export(package, weights, folder);

        var evalInputs = new Dictionary<string, (Array, long[])> { ["video"] = (video, videoShape), ["tokens"] = (tokens, shape), ["target_tokens"] = (targets, shape) };
        foreach (var t in trained)
        {
            evalInputs[t.Name] = (stepper.Parameters.GetValueOrDefault(t.Name) ?? stepper.Buffers[t.Name], package.ShapeOf(t.Name));
        }
        using var eval = new OrtModelRunner(package.EvalPath);
        var expected = eval.Run(evalInputs, ["logits"])["logits"];
        using var encoder = new OrtModelRunner(Path.Combine(folder, "encoder.onnx"));
        var memory = encoder.Run(new Dictionary<string, (Array, long[])> { ["video"] = (video, videoShape) }, ["memory"])["memory"];
        using var decoder = new OrtModelRunner(Path.Combine(folder, "decoder.onnx"));
        var memoryShape = new long[] { 2, package.Manifest.Caption.MemoryTokens, package.Manifest.Caption.ModelDim };
        var actual = decoder.Run(new Dictionary<string, (Array, long[])> { ["memory"] = (memory, memoryShape), ["tokens"] = (tokens, shape) }, ["logits"])["logits"];
        Assert.Equal(expected, actual, new ToleranceComparer(1e-5f, 1e-4f));
        var initial = package.ReadTrainable();
        foreach (var t in trained)
        {
            evalInputs[t.Name] = (initial[t.Name], package.ShapeOf(t.Name));
        }
        Assert.NotEqual(eval.Run(evalInputs, ["logits"])["logits"], actual, new ToleranceComparer(1e-5f, 1e-4f));
    }

    [Fact]
    public void PromptTokensAreRefusedForACnnEncoderNamingTheModel()
    {
        var built = VideoCaptionZoo.Build(Config("tiny3d"), 8, Size, seed: 2);
        var error = Assert.Throws<TuningSpecException>(() => TrainingGraphCompiler.Compile(built.Model,
            new TrainingPackageOptions { Tuning = TuningSpec.Parse("prompt:tokens=2") }, "cap.onnx"));
        Assert.Contains("cap.onnx", error.Message);
        Assert.Contains("prompt", error.Message);
    }

    [Theory]
    [InlineData("both encoders", "give one encoder")]
    [InlineData("a CNN encoder that is no zoo CNN", "'video_vit' is not a zoo 3-D CNN")]
    public void ACaptionerConfigurationWithAnEncoderThatCannotBeBuiltIsRefusedNamingTheModel(string what, string message)
    {
        var config = what == "both encoders"
            ? new VideoCaptionConfig().ToJson().Replace("\"cnnEncoder\":null", "\"cnnEncoder\":{\"architecture\":\"tiny3d\",\"width\":96}", StringComparison.Ordinal)
            : Config("tiny3d").ToJson().Replace("\"tiny3d\"", "\"video_vit\"", StringComparison.Ordinal);
        var error = Assert.Throws<InvalidInputException>(() => VideoCaptionConfig.FromJson(config, "cap.onnx"));
        Assert.Equal("cap.onnx", error.Input);
        Assert.Contains(message, error.Message);
    }

    /// <summary>Moves every BatchNorm's statistics and affine parameters away from 0 and 1, as training would.</summary>
    private static void PerturbBatchNorm(GraphProto graph, Random random)
    {
        foreach (var node in graph.Node.Where(n => n.OpType == "BatchNormalization"))
        {
            foreach (var (input, low, high) in new[] { (1, 0.5, 1.5), (2, -0.2, 0.2), (3, -0.3, 0.3), (4, 0.5, 2.0) })
            {
                var index = graph.Initializer.ToList().FindIndex(t => t.Name == node.Input[input]);
                var tensor = graph.Initializer[index];
                var values = TensorProtos.ToFloats(tensor).Select(_ => (float)(low + random.NextDouble() * (high - low))).ToArray();
                graph.Initializer[index] = TensorProtos.FromFloats(tensor.Name, values, tensor.Dims.ToArray());
            }
        }
    }
}
