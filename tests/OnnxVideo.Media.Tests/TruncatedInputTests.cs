namespace OnnxVideo.Media.Tests;

/// <summary>Issue 12 item 10: truncated files and undecodable frame-folder images are no longer padded silently: the
/// read reports what it filled in, and with padding off (--no-pad) it fails with a typed error.</summary>
[Collection(MediaCollection.Name)]
public sealed class TruncatedInputTests(TestVideos videos) : IDisposable
{
    private static readonly PreprocessingContract Contract = new() { Frames = 16, TestClips = 1, ResizeShortSide = 16, CropSize = 16 };
    private static readonly MediaOptions NoPad = MediaOptions.Default with { PadMissingFrames = false };
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>A 50-frame clip in <paramref name="codec"/>, cut to its first <paramref name="percent"/> % of bytes
    /// (what <c>head -c</c> does).</summary>
    private string Truncated(string name, int percent, params string[] encode)
    {
        var whole = _dir.File("whole-" + name);
        FfmpegTools.Write(["-f", "lavfi", "-i", "testsrc=size=64x48:rate=25", "-frames:v", "50", .. encode, whole]);
        var bytes = File.ReadAllBytes(whole);
        var path = _dir.File($"first-{percent}-percent-{name}");
        File.WriteAllBytes(path, bytes.AsSpan(0, bytes.Length * percent / 100).ToArray());
        return path;
    }

    private static async Task<ClipReadResult> ReadAsync(string path, MediaOptions? options = null)
    {
        var reader = new VideoClipReader(Contract, options);
        return await reader.ReadTestSamplesAsync(path, new float[reader.SampleElements]);
    }

    private static async Task<VideoInputException> ReadFailsAsync(string path)
    {
        var error = await Assert.ThrowsAsync<VideoInputException>(() => ReadAsync(path, NoPad));
        Assert.Equal(path, error.InputPath);
        Assert.Empty(ChildProcesses.FfmpegChildren());
        return error;
    }

    [Fact]
    public async Task The_first_tenth_of_an_mjpeg_avi_declaring_50_frames_reports_its_padding()
    {
        var path = Truncated("mjpeg.avi", 10, "-c:v", "mjpeg");
        var result = await ReadAsync(path);
        Assert.Equal(50, result.SourceFrameCount);
        var warning = Assert.Single(result.Warnings);
        Assert.Matches(@"^padded \d+ of 16 frames .*the stream ended before frame \d+ of 50 declared$", warning);
        var error = await ReadFailsAsync(path);
        Assert.Equal(VideoInputError.Corrupt, error.Reason);
        Assert.Contains("--no-pad", error.Message);
    }

    [Theory]
    [InlineData(64, 48)]
    [InlineData(160, 120)]
    public async Task The_first_35_percent_of_an_mpeg4_avi_is_never_read_silently(int width, int height)
    {
        // Depending on how far the stream gets before the cut, the read pads (and says so) or, when decoding stops
        // well before the duration the container implies, refuses the file as corrupt.
        var path = Truncated($"mpeg4-{width}.avi", 35, "-s", $"{width}x{height}", "-c:v", "mpeg4");
        var outcome = await Record.ExceptionAsync(async () =>
        {
            var result = await ReadAsync(path);
            Assert.Contains(result.Warnings, w => w.StartsWith("padded ", StringComparison.Ordinal) && w.Contains("of 50 declared"));
        });
        Assert.True(outcome is null or VideoInputException { Reason: VideoInputError.Corrupt }, outcome?.Message);
        Assert.Equal(VideoInputError.Corrupt, (await ReadFailsAsync(path)).Reason);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(35)]
    public async Task A_cut_h264_transport_stream_reports_its_padding(int percent)
    {
        var path = Truncated("h264.ts", percent, "-c:v", "libx264", "-pix_fmt", "yuv420p", "-f", "mpegts");
        var result = await ReadAsync(path);
        Assert.NotEmpty(result.Warnings);
        Assert.All(result.Warnings, w => Assert.Matches(@"^(padded|substituted)\b", w));
        var error = await ReadFailsAsync(path);
        Assert.True(error.Reason is VideoInputError.TooShort or VideoInputError.Corrupt, error.Message);
    }

    [Fact]
    public async Task Whole_videos_read_without_warnings_even_with_padding_off()
    {
        string[] files = [videos.H264Mp4, videos.H264Ts, videos.Vp9Webm, videos.Mpeg4Avi, videos.MjpegMkv, videos.FrameFolder];
        var dense = new PreprocessingContract { Frames = 8, Stride = 4, Sampling = SamplingMode.Dense, ResizeShortSide = 16, CropSize = 16 };
        foreach (var path in files)
        {
            Assert.Empty((await ReadAsync(path, NoPad)).Warnings);
            // Training clips at random positions, with the last frames of the video among them.
            var reader = new VideoClipReader(dense, NoPad);
            var augmentation = new ClipAugmentation { RandomResizedCrop = false, HorizontalFlip = false };
            foreach (var seed in new[] { 1, 2, 3 })
            {
                var read = await reader.ReadTrainingSampleAsync(path, augmentation, seed, new float[reader.SampleElements]);
                Assert.Empty(read.Warnings);
            }
        }
    }

    [Fact]
    public async Task A_video_shorter_than_a_clip_says_it_was_padded_and_fails_without_padding()
    {
        var result = await ReadAsync(videos.ThreeFrameMp4);
        Assert.Equal("padded: the video has 3 frame(s), a clip needs 16; its last frame is repeated", Assert.Single(result.Warnings));
        Assert.Equal(VideoInputError.TooShort, (await ReadFailsAsync(videos.ThreeFrameMp4)).Reason);
    }

    /// <summary>The 30 counting frames img_1..img_30.png, with img_5.png replaced by a 5000×5000 image (over the
    /// 4096² pixel limit, so ffmpeg refuses to decode it).</summary>
    private string FolderWithAnOversizedFrame()
    {
        var folder = _dir.File("frames");
        Directory.CreateDirectory(folder);
        foreach (var frame in Directory.GetFiles(videos.FrameFolder))
        {
            File.Copy(frame, Path.Combine(folder, Path.GetFileName(frame)));
        }
        var big = Path.Combine(folder, "img_5.png");
        File.Delete(big);
        FfmpegTools.Write("-f", "lavfi", "-i", "color=c=red:size=5000x5000", "-frames:v", "1", big);
        return folder;
    }

    [Fact]
    public async Task An_undecodable_image_in_a_frame_folder_is_replaced_by_its_neighbour_and_named()
    {
        var folder = FolderWithAnOversizedFrame();
        var reader = new FrameFolderReader();
        var frames = await reader.OpenAsync(folder);
        var geometry = new FrameGeometry(8, 8);
        int[] indices = [0, 3, 4, 4, 5, 29];
        var buffer = new byte[indices.Length * geometry.FrameBytes];
        var result = await reader.DecodeAsync(frames, indices, geometry, buffer);

        // Frame index 4 is img_5.png; its neighbour before it (img_4.png) holds counting frame 3.
        var numbers = Enumerable.Range(0, indices.Length)
            .Select(i => TestVideos.FrameNumberOf(buffer.AsSpan(i * geometry.FrameBytes + (4 * 8 + 4) * 3))).ToArray();
        Assert.Equal([0, 3, 3, 3, 5, 29], numbers);
        Assert.Equal("substituted 2 of 6 frames with a neighbouring frame: img_5.png could not be decoded", result.Warning);
        Assert.Equal(1, result.FramesRepeated);

        var strict = new FrameFolderReader(NoPad);
        var error = await Assert.ThrowsAsync<VideoInputException>(() => strict.DecodeAsync(frames, indices, geometry, buffer));
        Assert.Equal(VideoInputError.Corrupt, error.Reason);
        Assert.Contains("img_5.png", error.Message);
        Assert.Contains(folder, error.Message);
    }

    [Fact]
    public async Task A_frame_folder_read_reports_the_substitution_in_its_warnings()
    {
        var folder = FolderWithAnOversizedFrame();
        var reader = new VideoClipReader(Contract with { Frames = 30 });
        var result = await reader.ReadTestSamplesAsync(folder, new float[reader.SampleElements]);
        Assert.Contains(result.Warnings, w => w.Contains("img_5.png", StringComparison.Ordinal));
        await Assert.ThrowsAsync<VideoInputException>(() =>
            new VideoClipReader(Contract with { Frames = 30 }, NoPad).ReadTestSamplesAsync(folder, new float[reader.SampleElements]));
    }
}
