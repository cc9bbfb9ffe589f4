namespace OnnxVideo.Media.Tests;

/// <summary>The parser of ffmpeg's input dump (what the one-process read plans from), on dumps ffmpeg 5.1 printed.</summary>
public sealed class DecoderInputDumpTests
{
    private static readonly string[] RotatedWithAudio =
    [
        "Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'file:/data/clip.mp4':",
        "  Metadata:",
        "    major_brand     : isom",
        "    comment         : first line",
        "                    : Stream #0:5: Video: h264, yuv420p, 9000x9000, 1 fps",
        "  Duration: 00:00:02.01, start: 1.422456, bitrate: 98 kb/s",
        "  Stream #0:0[0x1](und): Video: h264 (High) (avc1 / 0x31637661), yuv420p(tv, bt709, progressive), 64x48 [SAR 1:1 DAR 4:3], 13 kb/s, 29.97 fps, 29.97 tbr, 30k tbn (default)",
        "    Metadata:",
        "      handler_name    : VideoHandler",
        "    Side data:",
        "      displaymatrix: rotation of -90.00 degrees",
        "  Stream #0:1[0x2](und): Audio: aac (LC) (mp4a / 0x6134706D), 44100 Hz, mono, fltp, 69 kb/s (default)",
    ];

    [Fact]
    public void Reads_size_rate_rotation_duration_start_and_streams()
    {
        var probe = DecoderInputDump.Parse("clip.mp4", RotatedWithAudio)!;
        Assert.Equal("mov,mp4,m4a,3gp,3g2,mj2", probe.FormatName);
        Assert.Equal(("h264", "yuv420p"), (probe.Codec, probe.PixelFormat));
        Assert.Equal((64, 48, 270), (probe.Width, probe.Height, probe.Rotation));
        Assert.Equal((48, 64), (probe.DisplayWidth, probe.DisplayHeight));
        Assert.Equal(30000.0 / 1001, probe.AverageFrameRate, 9);
        Assert.Equal(2.01, probe.Duration, 9);
        Assert.Equal(1.422456, probe.StartTime, 9);
        Assert.Equal(60, probe.FrameCount);
        Assert.False(probe.FrameCountExact);
        Assert.True(probe.FromDecoderDump);
        // The metadata continuation line that imitates a stream is not one.
        Assert.Equal((2, 0, true), (probe.StreamCount, probe.VideoStreamIndex, probe.HasAudio));
    }

    [Fact]
    public void Skips_a_cover_picture_and_takes_integer_rates_as_printed()
    {
        string[] dump =
        [
            "Input #0, matroska,webm, from 'file:/data/a.mkv':",
            "  Duration: 00:01:00.00, start: 0.000000, bitrate: 500 kb/s",
            "  Stream #0:0: Video: mjpeg (Baseline), yuvj420p(pc, bt470bg/unknown/unknown), 600x600, 90k tbr, 90k tbn (attached pic)",
            "  Stream #0:1(eng): Video: vp9 (Profile 0), yuv420p(tv), 1280x720, SAR 1:1 DAR 16:9, 25 fps, 25 tbr, 1k tbn (default)",
        ];
        var probe = DecoderInputDump.Parse("a.mkv", dump)!;
        Assert.Equal((1, "vp9", 1280, 720), (probe.VideoStreamIndex, probe.Codec, probe.Width, probe.Height));
        Assert.Equal((25.0, 1500L), (probe.AverageFrameRate, probe.FrameCount));
    }

    [Theory]
    [InlineData("  Duration: N/A, start: 0.000000, bitrate: N/A")]
    [InlineData("  Stream #0:0: Audio: aac, 44100 Hz, mono")]
    public void Without_a_duration_or_a_video_stream_there_is_no_probe(string line)
    {
        string[] dump =
        [
            "Input #0, mpegts, from 'file:/data/a.ts':",
            line.StartsWith("  Duration", StringComparison.Ordinal) ? line : "  Duration: 00:00:02.00, start: 1.400000, bitrate: 1 kb/s",
            line.StartsWith("  Stream", StringComparison.Ordinal) ? line : "  Stream #0:0[0x100]: Video: h264, yuv420p, 64x48, 25 fps, 25 tbr, 90k tbn",
        ];
        Assert.Null(DecoderInputDump.Parse("a.ts", dump));
    }
}
