using OnnxVideo.Models.Zoo;
using OnnxVideo.Onnx;
using OnnxVideo.Packaging;
using OnnxVideo.Text;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Export.Tests.Cli;

/// <summary><c>onnxvideo-export create --arch video_caption</c> and <c>package --tokenizer</c> from the command line.</summary>
public sealed class CreateCaptionCommandTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public void ACaptionerWithTheEncoderOfAVideoVitClassifierPackagesWithItsTokenizer()
    {
        var classifier = dir.File("vit.onnx");
        var (code, _, stderr) = CliProcess.RunExport("create", "--arch", "video_vit_tiny", "--classes", "3", "--frames", "8", "--size", "16", "--seed", "4", "--out", classifier);
        Assert.True(code == 0, stderr);
        var tokenizerPath = dir.File("tokenizer.json");
        var tokenizer = BpeTokenizer.Train(["a red square moves left", "a red circle moves left"], 300);
        tokenizer.Save(tokenizerPath);
        var captioner = dir.File("cap.onnx");
        (code, var stdout, stderr) = CliProcess.RunExport("create", "--arch", "video_caption", "--tokenizer", tokenizerPath, "--max-length", "10",
            "--encoder", classifier, "--tie-embeddings", "--out", captioner);
        Assert.True(code == 0, stderr);
        Assert.Contains("video_caption", stdout);
        var vit = OnnxModelFile.Load(classifier).Graph.Initializer.ToDictionary(t => t.Name);
        var cap = OnnxModelFile.Load(captioner).Graph.Initializer.ToDictionary(t => t.Name);
        var encoderNames = vit.Keys.Where(n => n.StartsWith("videomae.encoder.", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(encoderNames);
        Assert.All(encoderNames, n => Assert.Equal(TensorProtos.ToFloats(vit[n]), TensorProtos.ToFloats(cap[n])));
        Assert.False(cap.ContainsKey(CaptionNames.OutputWeight));

        var package = dir.File("package");
        (code, stdout, stderr) = CliProcess.RunExport("package", "--model", captioner, "--tune", "lora:r=2,target=decoder", "--tokenizer", tokenizerPath, "--out", package);
        Assert.True(code == 0, stderr);
        Assert.Contains($"vocabulary {tokenizer.VocabularySize}", stdout);
        var manifest = TrainingPackage.Load(package).Manifest;
        Assert.Equal((tokenizer.VocabularySize, 10, "tokenizer.json", true), (manifest.Caption!.VocabularySize, manifest.Caption.MaxLength, manifest.Caption.TokenizerFile, manifest.Caption.TiedEmbeddings));
    }

    public static TheoryData<string, string[], string> BadInputs() => new()
    {
        { "no vocabulary", ["--arch", "video_caption"], "--vocab" },
        { "vocabulary below the byte tokens", ["--arch", "video_caption", "--vocab", "10"], "vocabulary size must be in [259" },
        { "heads that do not divide the width", ["--arch", "video_caption", "--vocab", "300", "--decoder-heads", "5"], "decoder heads must divide" },
        { "missing encoder", ["--arch", "video_caption", "--vocab", "300", "--encoder", "absent.onnx"], "encoder model not found" },
        { "classifier without --classes", ["--arch", "tiny3d"], "--classes" },
        { "an encoder architecture that is not a 3-D CNN", ["--arch", "video_caption", "--vocab", "300", "--encoder-arch", "video_vit"], "is not a zoo 3-D CNN" },
        { "a decoder width without a CNN encoder", ["--arch", "video_caption", "--vocab", "300", "--decoder-width", "64"], "--decoder-width" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void BadCaptionerFlagsExitWithCode2(string what, string[] arguments, string message)
    {
        var (code, _, stderr) = CliProcess.RunExport(["create", .. arguments, "--out", dir.File($"{what}.onnx")]);
        Assert.Equal(2, code);
        Assert.Contains(message, stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Fact]
    public void ACaptionerTakesTheEncoderOfATiny3dClassifierOrTheTiny3dWeights()
    {
        var pretext = RepositoryFiles.PathOf("models/tiny3d-pretext.safetensors");
        var tiny = dir.File("tiny.onnx");
        var (code, _, stderr) = CliProcess.RunExport("create", "--arch", "tiny3d", "--weights", pretext, "--new-head", "--classes", "3", "--frames", "8", "--size", "32", "--out", tiny);
        Assert.True(code == 0, stderr);
        var fromClassifier = dir.File("from-classifier.onnx");
        (code, var stdout, stderr) = CliProcess.RunExport("create", "--arch", "video_caption", "--vocab", "300", "--encoder", tiny, "--out", fromClassifier);
        Assert.True(code == 0, stderr);
        Assert.Contains("tiny3d encoder", stdout);
        Assert.Contains("[N, 3, 8, 32, 32] (NCTHW), 8 memory tokens", stdout);
        var fromWeights = dir.File("from-weights.onnx");
        (code, stdout, stderr) = CliProcess.RunExport("create", "--arch", "video_caption", "--vocab", "300", "--encoder-arch", "tiny3d", "--weights", pretext,
            "--frames", "8", "--size", "32", "--decoder-width", "48", "--decoder-heads", "4", "--out", fromWeights);
        Assert.True(code == 0, stderr);

        var classifier = OnnxModelFile.Load(tiny).Graph.Initializer.ToDictionary(t => t.Name);
        var stages = classifier.Keys.Where(n => n.StartsWith("stages.", StringComparison.Ordinal)).ToList();
        Assert.Contains("stages.3.1.running_var", stages);
        foreach (var path in new[] { fromClassifier, fromWeights })
        {
            var cap = OnnxModelFile.Load(path).Graph.Initializer.ToDictionary(t => t.Name);
            Assert.All(stages, n => Assert.Equal(TensorProtos.ToFloats(classifier[n]), TensorProtos.ToFloats(cap[n])));
            Assert.False(cap.ContainsKey("fc.weight"));
        }
        Assert.Equal([48L, 64L], OnnxModelFile.Load(fromWeights).Graph.Initializer.Single(t => t.Name == CaptionNames.MemoryProjection + ".weight").Dims);
    }

    [Theory]
    [InlineData("a captioner", "it is a captioner, not a classifier")]
    [InlineData("a classifier of no zoo architecture", "its tensors are those of no zoo 3-D CNN")]
    [InlineData("a tiny3d classifier for an r3d_18 encoder", "is a tiny3d classifier, not the r3d_18 asked for")]
    [InlineData("a file that is not ONNX", "")]
    public void AnEncoderFromAModelThatIsNotAZooClassifierOfTheAskedKindIsRefused(string what, string message)
    {
        var model = dir.File("encoder.onnx");
        string[] extra = [];
        switch (what)
        {
            case "a captioner":
                Assert.Equal(0, CliProcess.RunExport("create", "--arch", "video_caption", "--vocab", "300", "--encoder-arch", "tiny3d", "--out", model).ExitCode);
                break;
            case "a classifier of no zoo architecture":
                OnnxModelFile.Save(ForeignClassifier(), model);
                break;
            case "a tiny3d classifier for an r3d_18 encoder":
                Assert.Equal(0, CliProcess.RunExport("create", "--arch", "tiny3d", "--classes", "2", "--out", model).ExitCode);
                extra = ["--encoder-arch", "r3d_18"];
                break;
            default:
                File.WriteAllBytes(model, [0x08, 0xff, 0xff, 0x01, 0x02]);
                break;
        }
        var (code, _, stderr) = CliProcess.RunExport(["create", "--arch", "video_caption", "--vocab", "300", "--encoder", model, .. extra, "--out", dir.File("cap.onnx")]);
        Assert.Equal(2, code);
        Assert.Contains(model, stderr);
        Assert.Contains(message, stderr);
        Assert.DoesNotContain("   at ", stderr);
        Assert.False(File.Exists(dir.File("cap.onnx")));
    }

    [Theory]
    [InlineData("video_vit weights for a tiny3d encoder", "tiny3d", "not one of its")]
    [InlineData("weights without a CNN encoder", null, "weights for video_caption are a 3-D CNN encoder's")]
    public void EncoderWeightsThatDoNotFitAreRefused(string what, string? architecture, string message)
    {
        var weights = RepositoryFiles.PathOf(architecture is null ? "models/tiny3d-pretext.safetensors" : "models/video_vit_tiny-pretext.safetensors");
        string[] arch = architecture is null ? [] : ["--encoder-arch", architecture];
        var (code, _, stderr) = CliProcess.RunExport(["create", "--arch", "video_caption", "--vocab", "300", .. arch, "--weights", weights, "--frames", "8", "--size", "32", "--out", dir.File($"{what}.onnx")]);
        Assert.Equal(2, code);
        Assert.Contains(weights, stderr);
        Assert.Contains(message, stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    /// <summary>video [N, 3, 4, 16, 16] → pooled → fc → logits [N, 2], without a zoo network's tensors.</summary>
    private static OnnxVideo.Onnx.Proto.ModelProto ForeignClassifier()
    {
        var builder = new GraphBuilder("foreign");
        builder.Input("video", DataType.Float, "N", 3, 4, 16, 16);
        var pooled = builder.Node("Flatten", [builder.Node("GlobalAveragePool", ["video"])], new Dictionary<string, object> { ["axis"] = 1L });
        var weight = builder.Initializer("fc.weight", new float[6], 2, 3);
        var bias = builder.Initializer("fc.bias", new float[2], 2);
        builder.Node("Gemm", [pooled, weight, bias], new Dictionary<string, object> { ["transB"] = 1L }, "logits");
        builder.Output("logits", DataType.Float, "N", 2);
        return OnnxModels.Create(builder.Graph, 17);
    }
}
