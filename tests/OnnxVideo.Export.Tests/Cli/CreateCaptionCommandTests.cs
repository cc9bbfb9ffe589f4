using OnnxVideo.Models.Zoo;
using OnnxVideo.Onnx;
using OnnxVideo.Packaging;
using OnnxVideo.Text;

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
    public void AnEncoderFromAModelThatIsNotAVideoVitIsRefused()
    {
        var tiny = dir.File("tiny.onnx");
        Assert.Equal(0, CliProcess.RunExport("create", "--arch", "tiny3d", "--classes", "2", "--out", tiny).ExitCode);
        var (code, _, stderr) = CliProcess.RunExport("create", "--arch", "video_caption", "--vocab", "300", "--encoder", tiny, "--out", dir.File("cap.onnx"));
        Assert.Equal(2, code);
        Assert.Contains("cannot take the captioner's encoder", stderr);
    }
}
