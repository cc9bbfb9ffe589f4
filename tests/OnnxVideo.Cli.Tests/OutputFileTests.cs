using System.Text;
using System.Text.Json;
using OnnxVideo.Onnx.Locking;

namespace OnnxVideo.Cli.Tests;

/// <summary>The <c>classify --output</c> file: torn lines repaired on resume, one line per input, one writer at a time.</summary>
[Collection(VideoCollection.Name)]
public sealed class OutputFileTests(VideoFixture videos)
{
    private static int Cli(params string[] args) => OnnxVideo.Cli.Program.Main(["classify", .. args]);

    /// <summary>Every line of the file parsed; fails on a line that is not JSON.</summary>
    private static List<JsonElement> Lines(string path) =>
        File.ReadAllLines(path).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();

    private static string[] Paths(string output) => Lines(output).Select(l => l.GetProperty("path").GetString()!).ToArray();

    [Fact]
    public void A_torn_last_line_is_repaired_on_resume_and_every_input_ends_with_one_line()
    {
        using var dir = new TempDirectory();
        var output = dir.File("results.jsonl");
        Assert.Equal(0, Cli(videos.Good[0], videos.Good[1], "--model", videos.ModelPath, "--output", output));
        var complete = File.ReadAllBytes(output);
        // What a kill in the middle of writing the third record leaves: its first bytes, no newline.
        var torn = Encoding.UTF8.GetBytes($"{{\"path\":{JsonSerializer.Serialize(videos.Good[2])},\"top\":[{{\"label\":\"le");
        File.WriteAllBytes(output, [.. complete, .. torn]);

        Assert.Equal(0, Cli(videos.Good[0], videos.Good[1], videos.Good[2], videos.Good[3], "--model", videos.ModelPath, "--output", output));

        Assert.Equal(videos.Good, Paths(output));
        Assert.Equal(complete, File.ReadAllBytes(output)[..complete.Length]);
        Assert.Equal([.. torn, (byte)'\n'], File.ReadAllBytes(output + ".damaged"));
    }

    [Fact]
    public void Two_records_run_together_and_repeated_lines_collapse_to_one_line_per_input()
    {
        using var dir = new TempDirectory();
        var output = dir.File("results.jsonl");
        Assert.Equal(0, Cli(videos.Good[0], videos.Good[1], "--model", videos.ModelPath, "--output", output));
        var lines = File.ReadAllLines(output);
        // An older writer's leftovers: a torn record with the next one appended to it, and an input recorded twice.
        var merged = lines[1][..40] + lines[1];
        File.WriteAllLines(output, [lines[0], merged, lines[0]]);

        Assert.Equal(0, Cli(videos.Good[0], videos.Good[1], "--model", videos.ModelPath, "--output", output));

        Assert.Equal([videos.Good[0], videos.Good[1]], Paths(output));
        Assert.Equal(merged + "\n", File.ReadAllText(output + ".damaged"));
    }

    [Fact]
    public void A_second_writer_on_the_same_output_is_refused_at_once_naming_the_holder()
    {
        using var dir = new TempDirectory();
        var output = dir.File("results.jsonl");
        Assert.Equal(0, Cli(videos.Good[0], "--model", videos.ModelPath, "--output", output));
        var before = File.ReadAllBytes(output);
        using (ExclusiveFileLock.Acquire(output + ".lock", output))
        {
            // Another process (the CLI as a child of this test) and another writer in this process are both refused.
            var (exit, _, stderr) = CliProcess.Run("classify", videos.Good[1], "--model", videos.ModelPath, "--output", output);
            Assert.True(exit == 2, stderr);
            Assert.Contains($"{output} is in use by another writer (pid {Environment.ProcessId}, started ", stderr);
            Assert.DoesNotContain("   at ", stderr);
            Assert.Equal(2, Cli(videos.Good[1], "--model", videos.ModelPath, "--output", output));
            Assert.Equal(before, File.ReadAllBytes(output));
        }
        var again = CliProcess.Run("classify", videos.Good[1], "--model", videos.ModelPath, "--output", output);
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Equal([videos.Good[0], videos.Good[1]], Paths(output));
    }
}
