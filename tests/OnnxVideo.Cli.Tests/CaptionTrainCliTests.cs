using System.Text.Json;
using OnnxVideo.Training.Checkpoints;
using OnnxVideo.Training.Metrics;

namespace OnnxVideo.Cli.Tests;

/// <summary>
/// <c>onnxvideo train</c> on a caption package: it trains and exports a captioner folder, resumes bit-exactly after
/// kills, and refuses bad caption data before anything is written.
/// </summary>
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

    private static string[] Arguments(string package, string train, string val, string output, params string[] extra) =>
    [
        "train", "--package", package, "--train", train, "--val", val, "--out", output, "--batch", "4", "--lr", "0.003",
        "--augment", "none", "--threads", "1", "--workers", "2", "--seed", "5", .. extra,
    ];

    [Fact]
    public void TrainsExportsACaptionerFolderAndScoresItsCaptions()
    {
        var (package, train, val) = Prepare();
        var run = _dir.File("run");
        var result = CliProcess.Run(Arguments(package, train, val, run, "--epochs", "2", "--json"));
        Assert.True(result.ExitCode == 0, result.Stderr);

        var summary = JsonDocument.Parse(result.Stdout).RootElement;
        var captioner = summary.GetProperty("bestModelPath").GetString()!;
        Assert.Equal(Path.Combine(Path.GetFullPath(run), "best", "captioner"), captioner);
        foreach (var file in new[] { "captioner.json", "encoder.onnx", "decoder.onnx", "decoder_step.onnx", "tokenizer.json" })
        {
            Assert.True(File.Exists(Path.Combine(captioner, file)), file);
        }
        var captions = summary.GetProperty("bestCaptions");
        Assert.Equal(4, captions.GetProperty("count").GetInt32());
        foreach (var metric in new[] { "bleu4", "exactMatch", "recallAt1", "recallAt5" })
        {
            Assert.InRange(captions.GetProperty(metric).GetDouble(), 0, 1);
        }
        Assert.Equal(1.0, captions.GetProperty("recallAt5").GetDouble());
        Assert.Equal(4, captions.GetProperty("samples").GetArrayLength());
        var epochs = MetricsLog.Read(Path.Combine(run, "metrics.jsonl"));
        Assert.Equal(2, epochs.Count);
        Assert.All(epochs, e => Assert.NotNull(e.ValidationTokenAccuracy));
        Assert.Contains("BLEU-4", File.ReadAllText(Path.Combine(run, "report.html")));
    }

    [Fact]
    public async Task KilledAtRandomMomentsAndResumedEndsWithTheWeightsOfAnUninterruptedRun()
    {
        var (package, train, val) = Prepare();
        string[] Args(string output, string[] extra) => Arguments(package, train, val, output, ["--epochs", "3", "--checkpoint-every", "1", .. extra]);
        var (straight, resumed) = await KilledTrainingRuns.RunAsync(Args, _dir, killCount: 4);

        var expected = new CheckpointStore(Path.Combine(straight, "checkpoints")).LoadNewestValid()!;
        var actual = new CheckpointStore(Path.Combine(resumed, "checkpoints")).LoadNewestValid()!;
        Assert.Equal(expected.Step, actual.Step);
        foreach (var file in new[] { Checkpoint.TrainableFile, Checkpoint.OptimizerStateFile })
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(expected.Directory, file)), File.ReadAllBytes(Path.Combine(actual.Directory, file)));
        }
        Assert.Equal(MetricsLog.Read(Path.Combine(straight, "metrics.jsonl")).Select(e => (e.TrainLoss, e.ValidationLoss, e.ValidationTokenAccuracy)),
            MetricsLog.Read(Path.Combine(resumed, "metrics.jsonl")).Select(e => (e.TrainLoss, e.ValidationLoss, e.ValidationTokenAccuracy)));
        foreach (var file in new[] { "encoder.onnx", "decoder.onnx", "decoder_step.onnx" })
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(straight, "best", "captioner", file)), File.ReadAllBytes(Path.Combine(resumed, "best", "captioner", file)));
        }
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

    /// <summary>Class-incremental and label-mixing flags have no meaning for captions: refused naming the flag, before any training.</summary>
    [Fact]
    public void RehearsalDistillationAndMixingFlagsAreRefusedNamingTheFlag()
    {
        var (package, train, val) = Prepare();
        var run = _dir.File("run");
        string[][] flags =
        [
            ["--memory", "5"], ["--memory", "0"], ["--memory-selection", "random"], ["--exemplars", _dir.File("exemplars.json")],
            ["--teacher", _dir.File("teacher.onnx")], ["--mixup", "0.8"], ["--cutmix", "1"],
        ];
        foreach (var flag in flags)
        {
            AssertRefused(CliProcess.Run(Arguments(package, train, val, run, ["--epochs", "1", .. flag])), run, flag[0] + ":");
        }
    }
}
