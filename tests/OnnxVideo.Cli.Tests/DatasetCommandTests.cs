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
    public void Synth_pretext_preset_writes_other_classes_than_the_default()
    {
        Assert.Equal(0, Run("dataset", "synth", "--preset", "pretext", "--out", folder, "--classes", "8", "--per-class", "1", "--frames", "4",
            "--size", "16", "--codec", "mjpeg", "--val-fraction", "0"));
        var labels = File.ReadAllLines(Path.Combine(folder, "labels.txt"));
        Assert.Equal(["move_up_right", "move_up_left", "move_down_right", "move_down_left", "orbit_cw", "orbit_ccw", "bounce_horizontal", "bounce_vertical"], labels);
        Assert.Empty(labels.Intersect(["move_right", "move_left", "move_up", "move_down", "grow", "shrink", "rotate_cw", "rotate_ccw"]));
        Assert.True(new FileInfo(Path.Combine(folder, "orbit_cw", "orbit_cw_000.mkv")).Length > 0);
    }

    [Fact]
    public void Synth_rejects_an_unknown_preset_without_writing()
    {
        Assert.Equal(2, Run("dataset", "synth", "--out", folder, "--preset", "kinetics"));
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public void Synth_rejects_an_unknown_codec_without_writing()
    {
        Assert.Equal(2, Run("dataset", "synth", "--out", folder, "--codec", "theora"));
        Assert.False(Directory.Exists(folder));
    }
}
