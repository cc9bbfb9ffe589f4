using System.Text.Json;

namespace OnnxVideo.Cli.Tests;

[Collection(VideoCollection.Name)]
public sealed class ClassifyCommandTests(VideoFixture videos)
{
    private static int Cli(params string[] args) => OnnxVideo.Cli.Program.Main(["classify", .. args]);

    private static List<JsonElement> Lines(string path) =>
        File.ReadAllLines(path).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();

    [Fact]
    public void Good_videos_exit_zero_with_one_json_line_each()
    {
        using var dir = new TempDirectory();
        var output = dir.File("out/results.jsonl");

        int exit = Cli(videos.Good[0], videos.Good[1], "--model", videos.ModelPath, "--top-k", "2", "--batch", "2", "--output", output);

        Assert.Equal(0, exit);
        var lines = Lines(output);
        Assert.Equal(videos.Good[..2], lines.Select(l => l.GetProperty("path").GetString()));
        foreach (var line in lines)
        {
            Assert.Equal(JsonValueKind.Null, line.GetProperty("error").ValueKind);
            var top = line.GetProperty("top").EnumerateArray().ToList();
            Assert.Equal(2, top.Count);
            Assert.Contains(top[0].GetProperty("label").GetString(), TinyVideoModel.Contract.Labels);
            Assert.True(top[0].GetProperty("score").GetDouble() >= top[1].GetProperty("score").GetDouble());
        }
    }

    [Fact]
    public void Keep_conv3d_scores_like_the_default_2d_convolutions()
    {
        using var dir = new TempDirectory();
        var (lowered, asWritten) = (dir.File("lowered.jsonl"), dir.File("as-written.jsonl"));

        Assert.Equal(0, Cli(videos.Good[0], "--model", videos.ModelPath, "--top-k", "5", "--output", lowered));
        Assert.Equal(0, Cli(videos.Good[0], "--model", videos.ModelPath, "--top-k", "5", "--keep-conv3d", "--output", asWritten));

        static Dictionary<string, double> Scores(JsonElement line) =>
            line.GetProperty("top").EnumerateArray().ToDictionary(t => t.GetProperty("label").GetString()!, t => t.GetProperty("score").GetDouble());
        var (a, b) = (Scores(Lines(lowered).Single()), Scores(Lines(asWritten).Single()));
        Assert.Equal(TinyVideoModel.Contract.Labels.Order(), a.Keys.Order());
        foreach (var (label, score) in a)
        {
            Assert.Equal(score, b[label], 1e-4);
        }
    }

    [Fact]
    public void A_failed_item_makes_the_exit_code_non_zero_and_keeps_every_result()
    {
        using var dir = new TempDirectory();
        var output = dir.File("results.jsonl");

        int exit = Cli(videos.MixedFolder, "--model", videos.ModelPath, "--output", output, "--no-pad");

        Assert.Equal(1, exit);
        var lines = Lines(output);
        Assert.Equal(9, lines.Count);
        var failed = lines.Where(l => l.GetProperty("error").ValueKind != JsonValueKind.Null).ToList();
        Assert.Equal(["audio_only.mp4", "empty.mp4", "garbage.mp4", "short.mp4", "truncated.mp4"],
            failed.Select(l => Path.GetFileName(l.GetProperty("path").GetString())).Order(StringComparer.Ordinal));
        Assert.Contains(failed, l => l.GetProperty("reason").GetString() == "TooShort");

        // Reruns skip what is already classified and try the failures again; each input keeps one line, in its place,
        // the failures' lines replaced by the latest attempt and counting the attempts.
        for (var attempt = 2; attempt <= 3; attempt++)
        {
            int again = Cli(videos.MixedFolder, "--model", videos.ModelPath, "--output", output, "--no-pad");
            Assert.Equal(1, again);
            var after = Lines(output);
            Assert.Equal(lines.Select(l => l.GetProperty("path").GetString()), after.Select(l => l.GetProperty("path").GetString()));
            for (var i = 0; i < lines.Count; i++)
            {
                if (lines[i].GetProperty("error").ValueKind == JsonValueKind.Null)
                {
                    Assert.Equal(lines[i].GetRawText(), after[i].GetRawText());
                    Assert.False(after[i].TryGetProperty("attempt", out _));
                }
                else
                {
                    Assert.Equal(attempt, after[i].GetProperty("attempt").GetInt32());
                    Assert.Equal(lines[i].GetProperty("reason").GetString(), after[i].GetProperty("reason").GetString());
                }
            }
        }
    }

    [Fact]
    public void Shards_split_the_sorted_inputs_between_runs()
    {
        using var dir = new TempDirectory();
        var outputs = Enumerable.Range(0, 3).Select(i => dir.File($"shard{i}.jsonl")).ToArray();
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(0, Cli(Path.GetDirectoryName(videos.Good[0])!, "--model", videos.ModelPath, "--shard", $"{i}/3", "--output", outputs[i]));
        }
        var sorted = videos.Good.Order(StringComparer.Ordinal).ToArray();
        Assert.Equal([sorted[0], sorted[3]], Lines(outputs[0]).Select(l => l.GetProperty("path").GetString()));
        Assert.Equal([sorted[1]], Lines(outputs[1]).Select(l => l.GetProperty("path").GetString()));
        Assert.Equal([sorted[2]], Lines(outputs[2]).Select(l => l.GetProperty("path").GetString()));
    }

    [Fact]
    public void A_run_that_cannot_start_exits_two_and_bad_flags_are_refused()
    {
        using var dir = new TempDirectory();
        Assert.Equal(2, Cli(videos.Good[0], "--model", dir.File("missing.onnx")));
        Assert.Equal(2, Cli(videos.Good[0], "--model", videos.BareModelPath));
        Assert.Equal(2, Cli(dir.Path, "--model", videos.ModelPath));
        Assert.NotEqual(0, Cli(videos.Good[0], "--model", videos.ModelPath, "--shard", "3/3"));
        Assert.NotEqual(0, Cli(videos.Good[0], "--model", videos.ModelPath, "--crops", "2"));
        Assert.NotEqual(0, Cli(videos.Good[0], "--model", videos.ModelPath, "--json", "--output", dir.File("x.jsonl")));
        Assert.False(File.Exists(dir.File("x.jsonl")));
    }
}
