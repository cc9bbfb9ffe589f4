using System.Text.Json;
using OnnxVideo.Media;

namespace OnnxVideo.Runtime.Tests;

/// <summary>Issue 12 item 10: a truncated file is classified with a warning saying what was padded, and with padding
/// off (--no-pad) it fails as a typed, per-item error.</summary>
[Collection(VideoCollection.Name)]
public sealed class TruncatedVideoTests(VideoFixture videos) : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>The first 30 % of an mjpeg AVI whose header declares 50 frames (what <c>head -c</c> leaves).</summary>
    private string TruncatedAvi()
    {
        var whole = _dir.File("whole.avi");
        Ffmpeg.Run("ffmpeg", "-hide_banner", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=96x64:rate=25",
            "-frames:v", "50", "-c:v", "mjpeg", whole);
        var bytes = File.ReadAllBytes(whole);
        var path = _dir.File("first-30-percent.avi");
        File.WriteAllBytes(path, bytes[..(bytes.Length * 3 / 10)]);
        return path;
    }

    [Fact]
    public async Task A_truncated_avi_is_classified_with_a_padding_warning()
    {
        await using var classifier = new VideoClassifier(new VideoClassifierOptions { ModelPath = videos.ModelPath, WarmUp = false });
        var result = await classifier.ClassifyAsync(TruncatedAvi());
        Assert.True(result.Succeeded, result.Error?.ToString());
        Assert.Matches(@"^padded \d+ of \d+ frames .*the stream ended before frame \d+ of 50 declared$", Assert.Single(result.Warnings));

        var clean = await classifier.ClassifyAsync(videos.Good[0]);
        Assert.Empty(clean.Warnings);
    }

    [Fact]
    public async Task With_padding_off_a_truncated_avi_fails_naming_the_file()
    {
        var path = TruncatedAvi();
        await using var classifier = new VideoClassifier(new VideoClassifierOptions
        {
            ModelPath = videos.ModelPath, WarmUp = false, PadShortVideos = false,
        });
        var result = await classifier.ClassifyAsync(path);
        Assert.Equal(ClassificationFailure.Unreadable, result.Error?.Reason);
        Assert.Contains(path, result.Error!.Message);
        Assert.Contains("--no-pad", result.Error.Message);
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public async Task MediaOptions_PadMissingFrames_false_has_the_same_effect()
    {
        await using var classifier = new VideoClassifier(new VideoClassifierOptions
        {
            ModelPath = videos.ModelPath, WarmUp = false, Media = MediaOptions.Default with { PadMissingFrames = false },
        });
        var truncated = await classifier.ClassifyAsync(TruncatedAvi());
        Assert.Equal(ClassificationFailure.Unreadable, truncated.Error?.Reason);
        var tooShort = await classifier.ClassifyAsync(Path.Combine(videos.MixedFolder, "short.mp4"));
        Assert.Equal(ClassificationFailure.TooShort, tooShort.Error?.Reason);
    }

    [Fact]
    public async Task A_short_video_says_its_last_frame_is_repeated()
    {
        await using var classifier = new VideoClassifier(new VideoClassifierOptions { ModelPath = videos.ModelPath, WarmUp = false });
        var result = await classifier.ClassifyAsync(Path.Combine(videos.MixedFolder, "short.mp4"));
        Assert.True(result.Succeeded, result.Error?.ToString());
        Assert.StartsWith("padded: the video has 2 frame(s), a clip needs", Assert.Single(result.Warnings));
    }

    [Fact]
    public void The_json_line_carries_the_warnings_and_no_pad_turns_them_into_a_failure()
    {
        var path = TruncatedAvi();
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
        File.Move(TruncatedAvi(), Path.Combine(data, "archery", "cut.avi"));

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
