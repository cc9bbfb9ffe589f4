namespace OnnxVideo.Cli.Tests;

/// <summary><c>onnxvideo train</c> on a caption package: bad caption data is refused before anything is written.</summary>
public sealed class CaptionTrainCliTests(SyntheticMotionData data) : IClassFixture<SyntheticMotionData>, IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private (string Package, string Train, string Val) Prepare()
    {
        var dataset = CaptionTestPackage.WriteDataset(data, _dir.File("captions"));
        var train = Path.Combine(dataset, "train");
        return (CaptionTestPackage.Write(_dir.File("pkg"), CaptionTestPackage.Captions(train)), train, Path.Combine(dataset, "val"));
    }

    private static void AssertRefused((int ExitCode, string Stdout, string Stderr) result, string run, params string[] named)
    {
        Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}: {result.Stderr}");
        Assert.DoesNotContain("   at ", result.Stderr);
        foreach (var text in named)
        {
            Assert.Contains(text, result.Stderr);
        }
        Assert.False(Directory.Exists(Path.Combine(run, "checkpoints")), "nothing is trained on refused data");
    }

    [Fact]
    public void AnEmptyCaptionFileIsRefusedNamingIt()
    {
        var (package, train, _) = Prepare();
        var empty = Directory.CreateDirectory(_dir.File("empty-val")).FullName;
        File.WriteAllText(Path.Combine(empty, "captions.jsonl"), "");
        var run = _dir.File("run");
        AssertRefused(CliProcess.Run("train", "--package", package, "--train", train, "--val", empty, "--out", run, "--epochs", "1"),
            run, Path.Combine(empty, "captions.jsonl"), "empty");
    }

    [Fact]
    public void ACaptionLongerThanTheModelsMaximumIsRefusedNamingItsLine()
    {
        var (package, train, _) = Prepare();
        var lines = File.ReadAllLines(Path.Combine(train, "captions.jsonl"));
        var longCaption = string.Join(' ', Enumerable.Repeat("square", CaptionTestPackage.MaxLength + 5));
        lines[2] = lines[2].Replace("\"captions\":[", $"\"captions\":[\"{longCaption}\",", StringComparison.Ordinal);
        Assert.Contains(longCaption, lines[2]);
        File.WriteAllLines(Path.Combine(train, "captions.jsonl"), lines);
        var run = _dir.File("run");
        AssertRefused(CliProcess.Run("train", "--package", package, "--train", train, "--out", run, "--epochs", "1"),
            run, "captions.jsonl:3", CaptionTestPackage.MaxLength.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void ALabelledDatasetForACaptionPackageIsRefused()
    {
        var (package, _, _) = Prepare();
        var run = _dir.File("run");
        AssertRefused(CliProcess.Run("train", "--package", package, "--train", data.SmallTrainList, "--out", run, "--epochs", "1"),
            run, "captions.jsonl");
    }
}
