using System.Text.Json;
using OnnxVideo.Packaging;
using OnnxVideo.Text;

namespace OnnxVideo.Cli.Tests;

/// <summary><c>onnxvideo caption</c>, <c>retrieve</c> and <c>evaluate</c> with a captioner folder (exported from an untrained test package).</summary>
public sealed class CaptionCliTests(SyntheticMotionData data) : IClassFixture<SyntheticMotionData>, IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private (string Captioner, string Val) Prepare(string? cnnEncoder = null)
    {
        var dataset = CaptionTestPackage.WriteDataset(data, _dir.File("captions"));
        var train = Path.Combine(dataset, "train");
        var package = CaptionTestPackage.Write(_dir.File("pkg"), CaptionTestPackage.Captions(train), cnnEncoder: cnnEncoder);
        var captioner = _dir.File("captioner");
        CaptionerExport.Export(TrainingPackage.Load(package), null, captioner);
        return (captioner, Path.Combine(dataset, "val"));
    }

    private static List<JsonElement> Lines(string stdout) =>
        stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();

    [Fact]
    public void CaptionWritesAJsonLinePerVideoAndReportsABrokenOneWhileTheOthersGoOn()
    {
        var (captioner, val) = Prepare();
        var videos = CaptionDataset.Load(val).Select(c => c.VideoPath).Take(2).ToList();
        var broken = _dir.File("broken.mp4");
        File.WriteAllText(broken, "not a video");
        var result = CliProcess.Run(["caption", videos[0], broken, videos[1], "-m", captioner, "--beam", "2", "--max-length", "5"]);

        Assert.True(result.ExitCode == 1, result.Stderr);
        var lines = Lines(result.Stdout);
        Assert.Equal([videos[0], broken, videos[1]], lines.Select(l => l.GetProperty("path").GetString()));
        Assert.Contains("broken.mp4", lines[1].GetProperty("error").GetString());
        foreach (var line in new[] { lines[0], lines[2] })
        {
            Assert.True(line.GetProperty("score").GetDouble() < 0, line.ToString());
            Assert.Equal(JsonValueKind.String, line.GetProperty("caption").ValueKind);
        }
    }

    [Fact]
    public void BadFlagsAMissingCaptionerAndAMismatchedTokenizerAreRefused()
    {
        var (captioner, val) = Prepare();
        var video = CaptionDataset.Load(val)[0].VideoPath;
        CliAssert.UserError(CliProcess.Run(["caption", video, "-m", captioner, "--beam", "0"]), "--beam");
        var empty = Directory.CreateDirectory(_dir.File("not-a-captioner")).FullName;
        CliAssert.UserError(CliProcess.Run(["caption", video, "-m", empty]), "captioner.json");

        BpeTokenizer.Train(["completely different words"], 262).Save(Path.Combine(captioner, "tokenizer.json"));
        CliAssert.UserError(CliProcess.Run(["caption", video, "-m", captioner]), "tokenizer.json");
        CliAssert.UserError(CliProcess.Run(["evaluate", "-m", captioner, "--data", val]), "tokenizer.json");
    }

    [Fact]
    public void RetrieveRanksEveryClipByItsScoreOfTheQuery()
    {
        var (captioner, val) = Prepare();
        var result = CliProcess.Run(["retrieve", "--query", "a square moves left", "-m", captioner, val]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        var lines = Lines(result.Stdout);
        Assert.Equal(4, lines.Count);
        Assert.Equal([1, 2, 3, 4], lines.Select(l => l.GetProperty("rank").GetInt32()));
        var scores = lines.Select(l => l.GetProperty("score").GetDouble()).ToList();
        Assert.Equal(scores.OrderDescending(), scores);
        Assert.Equal(CaptionDataset.Load(val).Select(c => c.VideoPath).Order(), lines.Select(l => l.GetProperty("path").GetString()!).Order());

        var longQuery = string.Join(' ', Enumerable.Repeat("square", CaptionTestPackage.MaxLength + 5));
        CliAssert.UserError(CliProcess.Run(["retrieve", "--query", longQuery, "-m", captioner, val]), "tokens");
    }

    [Fact]
    public void EvaluateReportsCaptionMetricsAndRetrievalRecall()
    {
        var (captioner, val) = Prepare();
        var result = CliProcess.Run(["evaluate", "-m", captioner, "--data", val, "--retrieval", "--json"]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        var report = JsonDocument.Parse(result.Stdout).RootElement;
        Assert.Equal(4, report.GetProperty("count").GetInt32());
        foreach (var metric in new[] { "bleu4", "exactMatch", "recallAt1" })
        {
            Assert.InRange(report.GetProperty(metric).GetDouble(), 0, 1);
        }
        Assert.True(report.GetProperty("ciderD").GetDouble() >= 0);
        CliAssert.UserError(CliProcess.Run(["evaluate", "-m", captioner, "--data", _dir.File("missing")]), "missing");
    }

    [Fact]
    public void ACaptionerWithATiny3dEncoderCaptionsRetrievesAndEvaluates()
    {
        var (captioner, val) = Prepare(cnnEncoder: "tiny3d");
        var videos = CaptionDataset.Load(val).Select(c => c.VideoPath).ToList();
        var caption = CliProcess.Run(["caption", videos[0], videos[1], "-m", captioner, "--beam", "2", "--max-length", "5"]);
        Assert.True(caption.ExitCode == 0, caption.Stderr);
        Assert.All(Lines(caption.Stdout), l => Assert.True(l.GetProperty("score").GetDouble() < 0, l.ToString()));
        var retrieve = CliProcess.Run(["retrieve", "--query", "a square moves left", "-m", captioner, val]);
        Assert.True(retrieve.ExitCode == 0, retrieve.Stderr);
        Assert.Equal(videos.Order(), Lines(retrieve.Stdout).Select(l => l.GetProperty("path").GetString()!).Order());
        var evaluate = CliProcess.Run(["evaluate", "-m", captioner, "--data", val, "--retrieval", "--json"]);
        Assert.True(evaluate.ExitCode == 0, evaluate.Stderr);
        var report = JsonDocument.Parse(evaluate.Stdout).RootElement;
        Assert.Equal(4, report.GetProperty("count").GetInt32());
        Assert.InRange(report.GetProperty("recallAt1").GetDouble(), 0, 1);
    }
}
