using System.CommandLine;
using OnnxVideo.Cli.Commands;

namespace OnnxVideo.Cli.Tests;

public sealed class DatasetCommandTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), $"onnxvideo-dataset-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static int Run(params string[] args)
    {
        var root = new RootCommand();
        root.Subcommands.Add(DatasetCommand.Create());
        return root.Parse(args).Invoke();
    }

    [Fact]
    public void Synth_writes_clips_and_manifests()
    {
        var exit = Run("dataset", "synth", "--out", folder, "--classes", "2", "--per-class", "3", "--frames", "4",
            "--size", "16", "--seed", "9", "--codec", "mjpeg", "--val-fraction", "0.34");
        Assert.Equal(0, exit);
        Assert.Equal(["move_right", "move_left"], File.ReadAllLines(Path.Combine(folder, "labels.txt")));
        Assert.Equal(
            ["move_right/move_right_000.mkv 0", "move_right/move_right_001.mkv 0", "move_left/move_left_000.mkv 1", "move_left/move_left_001.mkv 1"],
            File.ReadAllLines(Path.Combine(folder, "train.txt")));
        Assert.Equal(2, File.ReadAllLines(Path.Combine(folder, "val.txt")).Length);
        Assert.True(new FileInfo(Path.Combine(folder, "move_left", "move_left_002.mkv")).Length > 0);
    }

    [Fact]
    public void Synth_rejects_an_unknown_codec_without_writing()
    {
        Assert.Equal(2, Run("dataset", "synth", "--out", folder, "--codec", "theora"));
        Assert.False(Directory.Exists(folder));
    }
}
