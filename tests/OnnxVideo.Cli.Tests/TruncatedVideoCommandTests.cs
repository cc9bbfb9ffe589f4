using System.Text.Json;

namespace OnnxVideo.Cli.Tests;

/// <summary>Issue 12 item 10 on the command line: a truncated file's warning reaches the JSON line, and --no-pad turns
/// it into a per-item failure for classify and a skipped clip for evaluate.</summary>
[Collection(VideoCollection.Name)]
public sealed class TruncatedVideoCommandTests(VideoFixture videos) : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void The_json_line_carries_the_warnings_and_no_pad_turns_them_into_a_failure()
    {
        var path = FfmpegTools.TruncatedAvi(_dir.Path);
        var output = _dir.File("results.jsonl");
        Assert.Equal(0, OnnxVideo.Cli.Program.Main(["classify", path, "--model", videos.ModelPath, "--output", output]));
        var line = JsonDocument.Parse(File.ReadAllLines(output).Single()).RootElement;
        Assert.Equal(JsonValueKind.Null, line.GetProperty("error").ValueKind);
        var warning = Assert.Single(line.GetProperty("warnings").EnumerateArray().ToList());
        Assert.Contains("of 50 declared", warning.GetString());

        var strict = _dir.File("strict.jsonl");
        Assert.Equal(1, OnnxVideo.Cli.Program.Main(["classify", path, "--model", videos.ModelPath, "--output", strict, "--no-pad"]));
        var failed = JsonDocument.Parse(File.ReadAllLines(strict).Single()).RootElement;
        Assert.Contains("--no-pad", failed.GetProperty("error").GetString());
        Assert.False(failed.TryGetProperty("warnings", out _));
    }

    [Fact]
    public void Evaluate_with_no_pad_leaves_the_truncated_clip_out()
    {
        var data = _dir.File("data");
        foreach (var (label, video) in new[] { ("archery", videos.Good[0]), ("bowling", videos.Good[1]) })
        {
            Directory.CreateDirectory(Path.Combine(data, label));
            File.Copy(video, Path.Combine(data, label, Path.GetFileName(video)));
        }
        File.Move(FfmpegTools.TruncatedAvi(_dir.Path), Path.Combine(data, "archery", "cut.avi"));

        int Evaluate(string report, params string[] extra) => OnnxVideo.Cli.Program.Main(
            ["evaluate", "--model", videos.ModelPath, "--data", data, "--json", "--workers", "1", "--report", report, .. extra]);
        int CountOf(string report) =>
            JsonDocument.Parse(File.ReadAllText(Path.Combine(report, "metrics.json"))).RootElement.GetProperty("count").GetInt32();

        var padded = CliProcess.Run("evaluate", "--model", videos.ModelPath, "--data", data, "--json", "--workers", "1", "--report", _dir.File("padded"));
        Assert.True(padded.ExitCode == 0, padded.Stderr);
        Assert.Equal(3, CountOf(_dir.File("padded")));
        Assert.Matches(@"warning .*cut\.avi: padded \d+ of \d+ frames", padded.Stderr);
        Assert.Equal(0, Evaluate(_dir.File("strict"), "--no-pad"));
        Assert.Equal(2, CountOf(_dir.File("strict")));
        // One skipped clip is over a --max-failed of 0: the run stops with exit 2 and writes no report.
        Assert.Equal(2, Evaluate(_dir.File("stopped"), "--no-pad", "--max-failed", "0"));
        Assert.False(Directory.Exists(_dir.File("stopped")));
    }
}
