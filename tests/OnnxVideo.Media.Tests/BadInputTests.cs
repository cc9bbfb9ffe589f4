using System.Text;

namespace OnnxVideo.Media.Tests;

[Collection(MediaCollection.Name)]
public sealed class BadInputTests(TestVideos videos) : IDisposable
{
    private static readonly MediaOptions Options = MediaOptions.Default with
    {
        ProbeTimeout = TimeSpan.FromSeconds(30),
        DecodeTimeout = TimeSpan.FromSeconds(30),
    };

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Probes and, if the probe passes, decodes frames spread over the whole video; the failure must be a
    /// <see cref="VideoInputException"/> naming the file, and no ffmpeg/ffprobe child may be left.</summary>
    private static async Task<VideoInputException> ReadFailsAsync(string path, MediaOptions? options = null)
    {
        options ??= Options;
        var reader = new VideoClipReader(new PreprocessingContract { Frames = 8, ResizeShortSide = 16, CropSize = 16 }, options);
        var error = await Assert.ThrowsAsync<VideoInputException>(
            () => reader.ReadTestSamplesAsync(path, new float[reader.SampleElements]));
        Assert.Equal(path, error.InputPath);
        Assert.Contains(path, error.Message);
        Assert.Empty(ChildProcesses.FfmpegChildren());
        return error;
    }

    private string Write(string name, byte[] content)
    {
        var path = _dir.File(name);
        File.WriteAllBytes(path, content);
        return path;
    }

    [Fact]
    public async Task Zero_byte_file_is_unreadable()
    {
        var error = await ReadFailsAsync(Write("empty.mp4", []));
        Assert.Equal(VideoInputError.Unreadable, error.Reason);
    }

    [Fact]
    public async Task Missing_file_is_not_found()
    {
        var error = await ReadFailsAsync(_dir.File("nothing here.mp4"));
        Assert.Equal(VideoInputError.NotFound, error.Reason);
    }

    [Fact]
    public async Task Random_bytes_are_unreadable()
    {
        var bytes = new byte[50_000];
        new Random(7).NextBytes(bytes);
        var error = await ReadFailsAsync(Write("random.mp4", bytes));
        Assert.Equal(VideoInputError.Unreadable, error.Reason);
        Assert.NotEmpty(error.ToolStderr);
    }

    [Fact]
    public async Task Text_file_named_mp4_is_unreadable()
    {
        var error = await ReadFailsAsync(Write("notes.mp4", Encoding.UTF8.GetBytes("this is not a video\nat all\n")));
        Assert.Equal(VideoInputError.Unreadable, error.Reason);
    }

    [Fact]
    public async Task Audio_only_file_has_no_video_stream()
    {
        var error = await ReadFailsAsync(videos.AudioOnlyM4a);
        Assert.Equal(VideoInputError.NoVideoStream, error.Reason);
    }

    [Theory]
    [InlineData(0.02)]
    [InlineData(0.3)]
    [InlineData(0.6)]
    [InlineData(0.95)]
    public async Task Mp4_truncated_before_its_index_is_unreadable(double keep)
    {
        // ffmpeg writes the moov index at the end: any cut loses it.
        var bytes = File.ReadAllBytes(videos.NoiseMp4);
        var error = await ReadFailsAsync(Write($"cut-{keep}.mp4", bytes[..(int)(bytes.Length * keep)]));
        Assert.Equal(VideoInputError.Unreadable, error.Reason);
    }

    [Theory]
    [InlineData("faststart.mp4", 0.3)]
    [InlineData("faststart.mp4", 0.6)]
    [InlineData("noise.mkv", 0.3)]
    [InlineData("noise.mkv", 0.6)]
    public async Task Video_truncated_inside_its_media_data_is_corrupt(string source, double keep)
    {
        // The header survives and declares 2 s; the frames stop early.
        var bytes = File.ReadAllBytes(videos.P(source));
        var path = Write($"cut-{keep}-{source}", bytes[..(int)(bytes.Length * keep)]);
        var probe = await FfprobeRunner.ProbeAsync(path, Options);
        Assert.True(probe.Duration > 1.5, $"probe should still see the declared duration, saw {probe.Duration}");
        var error = await ReadFailsAsync(path);
        Assert.True(error.Reason is VideoInputError.Corrupt or VideoInputError.Unreadable, error.Message);
    }

    [Fact]
    public async Task Huge_declared_resolution_is_refused_from_the_probe()
    {
        var error = await ReadFailsAsync(videos.HugeAvi);
        Assert.Equal(VideoInputError.TooLarge, error.Reason);
        Assert.Contains("16000x12000", error.Message);
    }

    [Fact]
    public async Task Decoder_refuses_huge_frames_even_when_the_probe_understated_them()
    {
        // Defence in depth: a probe that lies about the size still meets ffmpeg's max_pixels in the decoder.
        var honest = await Assert.ThrowsAsync<VideoInputException>(() => FfprobeRunner.ProbeAsync(videos.HugeAvi, Options));
        Assert.Equal(VideoInputError.TooLarge, honest.Reason);
        var lie = new VideoProbe
        {
            Path = videos.HugeAvi, FormatName = "avi", Codec = "mjpeg", PixelFormat = "yuvj420p", Width = 64, Height = 48,
            Rotation = 0, Duration = 0.2, StartTime = 0, AverageFrameRate = 25, RealFrameRate = 25, FrameCount = 5,
            FrameCountExact = true, StreamCount = 1, VideoStreamIndex = 0, HasAudio = false,
        };
        var geometry = new FrameGeometry(8, 8);
        var error = await Assert.ThrowsAsync<VideoInputException>(
            () => new FfmpegFrameReader(Options).DecodeAsync(lie, new[] { 0.0 }, geometry, new byte[geometry.FrameBytes]));
        Assert.Contains("max pixel", error.ToolStderr);
        Assert.Empty(ChildProcesses.FfmpegChildren());
    }

    [Fact]
    public async Task Odd_path_with_spaces_quotes_semicolons_and_non_ascii_letters_reads_correctly()
    {
        var folder = _dir.File("we ird 'q\" ;semi; ünïcødé $(x) `y`");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "-i clip; rm -rf 'x'.mp4");
        File.Copy(videos.H264Mp4, path);
        var probe = await FfprobeRunner.ProbeAsync(path, Options);
        var geometry = new FrameGeometry(8, 8);
        var frame = new byte[geometry.FrameBytes];
        await new FfmpegFrameReader(Options).DecodeAsync(probe, new[] { 10 / 30.0 }, geometry, frame);
        Assert.Equal(10, TestVideos.FrameNumberOf(frame));

        var error = await ReadFailsAsync(Path.Combine(folder, "-missing \"quoted\" ü.mp4"));
        Assert.Equal(VideoInputError.NotFound, error.Reason);
    }

    [Fact]
    public async Task Deadline_kills_the_process_and_reports_a_timeout()
    {
        var deadline = TimeSpan.FromMilliseconds(1);
        var error = await ReadFailsAsync(videos.NoiseMp4, Options with { ProbeTimeout = deadline, DecodeTimeout = deadline });
        Assert.Equal(VideoInputError.Timeout, error.Reason);
    }

    [Fact]
    public async Task Cancellation_kills_the_process()
    {
        using var cts = new CancellationTokenSource();
        var probe = await FfprobeRunner.ProbeAsync(videos.NoiseMp4, Options);
        var geometry = new FrameGeometry(8, 8);
        var decode = new FfmpegFrameReader(Options).DecodeAsync(probe, new[] { 0.0, 1.9 }, geometry,
            new byte[2 * geometry.FrameBytes], cts.Token);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => decode);
        Assert.Empty(ChildProcesses.FfmpegChildren());
    }

    [Theory]
    [InlineData("hls")]
    [InlineData("concat")]
    public async Task Playlist_or_concat_list_never_opens_the_canary(string kind)
    {
        // The canary is a FIFO: opening it for reading is observable, because our writer's open() only returns once
        // a reader has opened the other end. A positive control with the demuxer allowed proves the detector works.
        var canary = _dir.File($"canary-{kind}.mp4");
        FifoCanary.Make(canary);
        var name = Path.GetFileName(canary);
        var list = kind == "hls"
            ? $"#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1.0,\n{canary}\n#EXT-X-ENDLIST\n"
            : $"ffconcat version 1.0\nfile {name}\n";
        var path = Write($"{kind}-list.mp4", Encoding.ASCII.GetBytes(list));

        var refused = await FifoCanary.WatchAsync(canary, async () =>
        {
            var error = await ReadFailsAsync(path);
            Assert.Equal(VideoInputError.UnsupportedFormat, error.Reason);
        });
        Assert.False(refused, "the canary was opened with the default (hardened) options");

        var permissive = Options with
        {
            AllowedFormats = [.. Options.AllowedFormats, kind],
            ProbeTimeout = TimeSpan.FromSeconds(10),
        };
        var opened = await FifoCanary.WatchAsync(canary, async () =>
        {
            try
            {
                await FfprobeRunner.ProbeAsync(path, permissive);
            }
            catch (VideoInputException)
            {
                // The canary holds no video; only whether it was opened matters here.
            }
        });
        Assert.True(opened, $"positive control: with '{kind}' allowed, ffprobe should have opened the canary");
        Assert.Empty(ChildProcesses.FfmpegChildren());
    }
}
