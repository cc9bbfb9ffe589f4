namespace OnnxVideo.Media.Tests;

[Collection(MediaCollection.Name)]
public sealed class DecodeTests(TestVideos videos)
{
    private static async Task<byte[]> DecodeAsync(string path, double[] times, FrameGeometry geometry)
    {
        var probe = await FfprobeRunner.ProbeAsync(path);
        var frames = new byte[times.Length * geometry.FrameBytes];
        await new FfmpegFrameReader().DecodeAsync(probe, times, geometry, frames);
        return frames;
    }

    private static int[] FrameNumbers(byte[] frames, FrameGeometry geometry, int step = 8)
    {
        var n = frames.Length / geometry.FrameBytes;
        var numbers = new int[n];
        for (var i = 0; i < n; i++)
        {
            var frame = frames.AsSpan(i * geometry.FrameBytes, geometry.FrameBytes);
            // Centre pixel; every pixel of a counting frame is the same.
            numbers[i] = TestVideos.FrameNumberOf(frame.Slice((geometry.Height / 2 * geometry.Width + geometry.Width / 2) * 3), step);
        }
        return numbers;
    }

    public static TheoryData<string> Codecs => new() { "h264", "h264-ts", "vp9", "mpeg4", "mjpeg", "hevc", "ten-bit" };

    private string PathOf(string codec) => codec switch
    {
        "h264" => videos.H264Mp4,
        "h264-ts" => videos.H264Ts,
        "vp9" => videos.Vp9Webm,
        "mpeg4" => videos.Mpeg4Avi,
        "mjpeg" => videos.MjpegMkv,
        "hevc" => videos.HevcMp4,
        "ten-bit" => videos.TenBitMp4,
        _ => throw new ArgumentException(codec),
    };

    [Theory]
    [MemberData(nameof(Codecs))]
    public async Task Frames_chosen_by_timestamp_match_the_encoded_frame_numbers(string codec)
    {
        // 30 fps: t = n/30 is frame n; requests out of order and repeated come back in request order.
        double[] times = [20 / 30.0, 0, 5 / 30.0, 5 / 30.0, 29 / 30.0, 11.4 / 30.0];
        var geometry = new FrameGeometry(16, 12);
        var frames = await DecodeAsync(PathOf(codec), times, geometry);
        Assert.Equal([20, 0, 5, 5, 29, 11], FrameNumbers(frames, geometry));
        // Colour check beyond the frame number: G = 255 − 8n, B = 128 (lossy codecs: ±6).
        var f = frames.AsSpan(2 * geometry.FrameBytes + 3 * (6 * 16 + 8), 3);
        Assert.InRange(f[1], 255 - 40 - 6, 255 - 40 + 6);
        Assert.InRange(f[2], 128 - 6, 128 + 6);
    }

    [Fact]
    public async Task Timestamps_count_from_the_first_frame_when_the_stream_starts_late()
    {
        var probe = await FfprobeRunner.ProbeAsync(videos.H264Ts);
        Assert.True(probe.StartTime > 1, $"MPEG-TS should start after 1 s, starts at {probe.StartTime}");
        Assert.Contains("mpegts", probe.FormatName);
    }

    [Fact]
    public async Task Targets_after_the_end_hold_the_last_frame()
    {
        var geometry = new FrameGeometry(8, 8);
        var probe = await FfprobeRunner.ProbeAsync(videos.ThreeFrameMp4);
        Assert.Equal(3, probe.FrameCount);
        var frames = new byte[5 * geometry.FrameBytes];
        var result = await new FfmpegFrameReader().DecodeAsync(probe, new[] { 0, 1 / 30.0, 2 / 30.0, 3 / 30.0, 4 / 30.0 }, geometry, frames);
        Assert.Equal([0, 1, 2, 2, 2], FrameNumbers(frames, geometry));
        Assert.Equal(2, result.FramesRepeated);
    }

    [Fact]
    public async Task Variable_frame_rate_frames_are_found_by_their_timestamps()
    {
        var probe = await FfprobeRunner.ProbeAsync(videos.VariableRateMp4);
        Assert.True(probe.IsVariableFrameRate);
        Assert.Equal(40, probe.FrameCount);
        Assert.InRange(probe.Duration, 1.7, 2.1); // mp4 stream duration excludes the last frame: 1.8 here
        var geometry = new FrameGeometry(8, 8);
        // Frame n is at n/30 s for n < 30, then 1 + (n − 30)/10 s; frames are numbered R = 6n.
        double[] times = [0.2, 0.5, 1.0, 1.5, 1.52, 1.9];
        var frames = new byte[times.Length * geometry.FrameBytes];
        await new FfmpegFrameReader().DecodeAsync(probe, times, geometry, frames);
        Assert.Equal([6, 15, 30, 35, 35, 39], FrameNumbers(frames, geometry, step: 6));
    }

    [Fact]
    public async Task Rotated_video_comes_out_upright()
    {
        var probe = await FfprobeRunner.ProbeAsync(videos.RotatedMp4);
        Assert.Equal((64, 48), (probe.Width, probe.Height));
        Assert.Equal((48, 64), (probe.DisplayWidth, probe.DisplayHeight));
        var geometry = new FrameGeometry(probe.DisplayWidth, probe.DisplayHeight);
        var frame = new byte[geometry.FrameBytes];
        await new FfmpegFrameReader().DecodeAsync(probe, new[] { 0.0 }, geometry, frame);
        // The display matrix angle (90) is counter-clockwise (libavutil/display.h): the left (red) half of the stored
        // frame ends at the bottom, the right (blue) half at the top.
        Assert.Equal(90, probe.Rotation);
        static (byte R, byte B) At(byte[] f, int x, int y) => (f[(y * 48 + x) * 3], f[(y * 48 + x) * 3 + 2]);
        Assert.True(At(frame, 24, 10).B > 200 && At(frame, 24, 10).R < 50, "top should be blue");
        Assert.True(At(frame, 24, 54).R > 200 && At(frame, 24, 54).B < 50, "bottom should be red");
    }

    [Fact]
    public async Task Grayscale_video_decodes_to_equal_channels()
    {
        var probe = await FfprobeRunner.ProbeAsync(videos.GrayMp4);
        Assert.Equal("gray", probe.PixelFormat);
        var geometry = new FrameGeometry(8, 8);
        var frames = new byte[2 * geometry.FrameBytes];
        await new FfmpegFrameReader().DecodeAsync(probe, new[] { 4 / 30.0, 10 / 30.0 }, geometry, frames);
        // Luma 8n is limited-range video: RGB = (8n − 16) × 255 / 219.
        Assert.InRange(frames[0], (32 - 16) * 255 / 219.0 - 3, (32 - 16) * 255 / 219.0 + 3);
        Assert.InRange(frames[geometry.FrameBytes], (80 - 16) * 255 / 219.0 - 3, (80 - 16) * 255 / 219.0 + 3);
        Assert.InRange(Math.Abs(frames[0] - frames[1]), 0, 2);
        Assert.InRange(Math.Abs(frames[0] - frames[2]), 0, 2);
    }

    [Fact]
    public async Task Crop_and_scale_run_in_the_filter_graph()
    {
        // Stored frame: left half red, right half blue. Upright (48x64) it is blue on top, red below.
        var probe = await FfprobeRunner.ProbeAsync(videos.RotatedMp4);
        var bottom = new FrameGeometry(10, 10, new CropRegion(0, 40, 48, 24));
        var frame = new byte[bottom.FrameBytes];
        await new FfmpegFrameReader().DecodeAsync(probe, new[] { 0.0 }, bottom, frame);
        for (var i = 0; i < 100; i++)
        {
            Assert.True(frame[i * 3] > 200 && frame[i * 3 + 2] < 60, $"pixel {i} of the bottom crop should be red");
        }
    }
}
