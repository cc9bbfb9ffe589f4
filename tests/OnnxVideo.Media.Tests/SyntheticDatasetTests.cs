namespace OnnxVideo.Media.Tests;

[Collection(MediaCollection.Name)]
public sealed class SyntheticDatasetTests
{
    [Fact]
    public async Task Writes_a_folder_per_class_and_manifests()
    {
        using var dir = new TempDirectory();
        var root = dir.Path;
        var options = new SyntheticDatasetOptions { Classes = 3, ClipsPerClass = 5, Frames = 8, Size = 32, ValidationFraction = 0.4 };
        var dataset = await SyntheticVideoDataset.GenerateAsync(root, options);
        Assert.Equal(["move_right", "move_left", "move_up"], dataset.Labels);
        Assert.Equal(["move_right", "move_left", "move_up"], File.ReadAllLines(dataset.LabelsPath));
        var lines = File.ReadAllLines(dataset.ManifestPath);
        Assert.Equal(15, lines.Length);
        Assert.Equal("move_left/move_left_002.mp4 1", lines[7]);
        Assert.Equal(9, File.ReadAllLines(dataset.TrainManifestPath).Length);
        Assert.Equal(6, File.ReadAllLines(dataset.ValidationManifestPath).Length);
        foreach (var line in lines)
        {
            var probe = await FfprobeRunner.ProbeAsync(Path.Combine(root, line.Split(' ')[0]));
            Assert.Equal((32, 32, 8L), (probe.Width, probe.Height, probe.FrameCount));
        }
    }

    [Theory]
    [InlineData("h264")]
    [InlineData("hevc")]
    [InlineData("vp9")]
    [InlineData("mpeg4")]
    [InlineData("mjpeg")]
    [InlineData("ffv1")]
    public async Task Every_codec_gives_every_clip_exactly_its_frames(string codec)
    {
        using var dir = new TempDirectory();
        var root = dir.Path;
        var options = new SyntheticDatasetOptions { Classes = 2, ClipsPerClass = 3, Frames = 6, Size = 16, Codec = codec };
        var dataset = await SyntheticVideoDataset.GenerateAsync(root, options);
        foreach (var clip in dataset.Clips)
        {
            var probe = await FfprobeRunner.ProbeAsync(Path.Combine(root, clip.RelativePath),
                MediaOptions.Default with { ExactFrameCount = true });
            Assert.Equal(6, probe.FrameCount);
            Assert.Equal(0, probe.StartTime, 3);
        }
    }

    [Fact]
    public void Unknown_codec_and_out_of_range_settings_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => new SyntheticDatasetOptions { Codec = "xvid; rm" }.Validate());
        Assert.Throws<ArgumentException>(() => new SyntheticDatasetOptions { Classes = 9 }.Validate());
    }

    [Fact]
    public async Task Classes_differ_in_the_motion_of_the_main_shape()
    {
        // Lossless, no noise, no distractors: every row of the background is one colour, so pixels that differ from
        // their row's most common colour belong to the shape; its centroid and area tell the motion.
        using var dir = new TempDirectory();
        var root = dir.Path;
        var options = new SyntheticDatasetOptions
        {
            Classes = 6, ClipsPerClass = 2, Frames = 8, Size = 48, Noise = 0, Distractors = 0, Codec = "ffv1", Seed = 3,
        };
        var dataset = await SyntheticVideoDataset.GenerateAsync(root, options);
        var reader = new FfmpegFrameReader();
        foreach (var clip in dataset.Clips)
        {
            var probe = await FfprobeRunner.ProbeAsync(Path.Combine(root, clip.RelativePath),
                MediaOptions.Default with { ExactFrameCount = true });
            Assert.Equal(8, probe.FrameCount);
            var geometry = new FrameGeometry(48, 48);
            var frames = new byte[2 * geometry.FrameBytes];
            await reader.DecodeAsync(probe, new[] { 0.0, 7 / options.FrameRate }, geometry, frames);
            var (x0, y0, a0) = Shape(frames.AsSpan(0, geometry.FrameBytes), 48);
            var (x1, y1, a1) = Shape(frames.AsSpan(geometry.FrameBytes), 48);
            var motion = (MotionKind)clip.Label;
            var what = $"{clip.RelativePath}: ({x0:0.0},{y0:0.0},{a0}) → ({x1:0.0},{y1:0.0},{a1})";
            switch (motion)
            {
                case MotionKind.MoveRight: Assert.True(x1 - x0 > 8, what); break;
                case MotionKind.MoveLeft: Assert.True(x0 - x1 > 8, what); break;
                case MotionKind.MoveDown: Assert.True(y1 - y0 > 8, what); break;
                case MotionKind.MoveUp: Assert.True(y0 - y1 > 8, what); break;
                case MotionKind.Grow: Assert.True(a1 > 2 * a0, what); break;
                case MotionKind.Shrink: Assert.True(a0 > 2 * a1, what); break;
            }
        }
    }

    private static (double X, double Y, int Area) Shape(ReadOnlySpan<byte> frame, int size)
    {
        double sx = 0, sy = 0;
        var area = 0;
        for (var y = 0; y < size; y++)
        {
            var row = frame.Slice(y * size * 3, size * 3);
            var counts = new Dictionary<int, int>();
            for (var x = 0; x < size; x++)
            {
                var key = row[x * 3] << 16 | row[x * 3 + 1] << 8 | row[x * 3 + 2];
                counts[key] = counts.GetValueOrDefault(key) + 1;
            }
            var background = counts.MaxBy(kv => kv.Value).Key;
            for (var x = 0; x < size; x++)
            {
                var key = row[x * 3] << 16 | row[x * 3 + 1] << 8 | row[x * 3 + 2];
                if (key != background)
                {
                    sx += x;
                    sy += y;
                    area++;
                }
            }
        }
        return (sx / Math.Max(1, area), sy / Math.Max(1, area), area);
    }
}
