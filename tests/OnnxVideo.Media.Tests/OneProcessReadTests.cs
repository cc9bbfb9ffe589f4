using System.Text;

namespace OnnxVideo.Media.Tests;

/// <summary>Issue 17 lever 5: a training read of an unprobed video, and a test read of an MP4 (lever 29), run one ffmpeg
/// process that reports the stream and decodes; they give the two-process read's clips, and anything unusual falls back
/// to the two-process read and its typed errors.</summary>
[Collection(MediaCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class OneProcessReadTests(TestVideos videos) : IDisposable
{
    private static readonly PreprocessingContract Contract = new()
    {
        Frames = 4, Sampling = SamplingMode.UniformSegments, TestClips = 1, TestCrops = 1, ResizeShortSide = 32, CropSize = 16,
    };

    private static readonly ClipAugmentation Augmentation = new() { HorizontalFlip = true };
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Wrappers that log each ffmpeg and ffprobe start, then run the real tool.</summary>
    private (MediaOptions Options, Func<string, int> Starts) CountingTools(MediaOptions? options = null)
    {
        var log = _dir.File("starts.log");
        string Wrapper(string tool)
        {
            var wrapper = _dir.File($"{tool}-wrapper.sh");
            File.WriteAllText(wrapper, $"#!/bin/sh\necho {tool} >> '{log}'\nexec {tool} \"$@\"\n");
            File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            return wrapper;
        }
        var counted = (options ?? MediaOptions.Default) with { FfmpegPath = Wrapper("ffmpeg"), FfprobePath = Wrapper("ffprobe") };
        return (counted, tool => File.Exists(log) ? File.ReadAllLines(log).Count(l => l == tool) : 0);
    }

    private static async Task<(ClipReadResult Read, float[] Sample)> TrainingReadAsync(string path, MediaOptions options, int seed)
    {
        var reader = new VideoClipReader(Contract, options);
        var sample = new float[reader.SampleElements];
        var read = await reader.ReadTrainingSampleAsync(path, Augmentation, seed, sample);
        return (read, sample);
    }

    [Theory]
    [InlineData("h264.mp4")]
    [InlineData("h264.ts")]
    [InlineData("vp9.webm")]
    [InlineData("mpeg4.avi")]
    [InlineData("mjpeg.mkv")]
    [InlineData("rotated.mp4")]
    public async Task One_process_training_read_gives_the_two_process_clip(string name)
    {
        var path = videos.P(name);
        var (counted, starts) = CountingTools();
        for (var seed = 1; seed <= 2; seed++)
        {
            var one = await TrainingReadAsync(path, counted, seed);
            var two = await TrainingReadAsync(path, MediaOptions.Default with { ProbeWhileDecoding = false }, seed);
            Assert.Equal(two.Read.FrameIndices, one.Read.FrameIndices);
            Assert.Equal(two.Read.Geometry, one.Read.Geometry);
            Assert.Equal((two.Read.SourceWidth, two.Read.SourceHeight), (one.Read.SourceWidth, one.Read.SourceHeight));
            Assert.Equal(two.Sample, one.Sample);
            Assert.Empty(one.Read.Warnings);
        }
        Assert.Equal(0, starts("ffprobe"));
        Assert.Equal(2, starts("ffmpeg"));
        Assert.Empty(ChildProcesses.FfmpegChildren());
    }

    [Fact]
    public async Task A_variable_rate_video_is_planned_from_the_estimated_frame_count_without_ffprobe()
    {
        // The dump gives the container's 1.93 s and 22.22 fps, not the 40 frames ffprobe counts: the clip is planned
        // over an estimate of 43, still one decode, no warnings.
        var (counted, starts) = CountingTools();
        var (read, _) = await TrainingReadAsync(videos.VariableRateMp4, counted, 1);
        Assert.InRange(read.SourceFrameCount, 40, 44);
        Assert.All(read.FrameIndices, i => Assert.InRange(i, 0, (int)read.SourceFrameCount - 1));
        Assert.Empty(read.Warnings);
        Assert.Equal((0, 1), (starts("ffprobe"), starts("ffmpeg")));
    }

    [Fact]
    public async Task Cached_dump_probe_serves_later_epochs_and_test_reads_of_other_containers_still_probe_with_ffprobe()
    {
        var (counted, starts) = CountingTools(MediaOptions.Default with { CacheProbes = true });
        var reader = new VideoClipReader(Contract, counted);
        var sample = new float[reader.SampleElements];
        var first = await reader.ReadTrainingSampleAsync(videos.MjpegMkv, Augmentation, 3, sample);
        var again = await reader.ReadTrainingSampleAsync(videos.MjpegMkv, Augmentation, 3, sample);
        Assert.Equal(first.FrameIndices, again.FrameIndices);
        Assert.Equal((0, 2), (starts("ffprobe"), starts("ffmpeg")));

        await reader.ReadTestSamplesAsync(videos.MjpegMkv, sample);
        await reader.ReadTestSamplesAsync(videos.MjpegMkv, sample);
        Assert.Equal((1, 4), (starts("ffprobe"), starts("ffmpeg")));
    }

    private static readonly PreprocessingContract TestContract = Contract with { TestClips = 2, TestCrops = 3 };

    private static async Task<(ClipReadResult Read, float[] Samples)> TestReadAsync(string path, MediaOptions options)
    {
        var reader = new VideoClipReader(TestContract, options);
        var samples = new float[reader.SampleElements * reader.TestSamplesPerVideo];
        var read = await reader.ReadTestSamplesAsync(path, samples);
        return (read, samples);
    }

    /// <summary>An MP4 with audio and B-frames (an edit list) at an NTSC rate, and a stream-copied cut of it whose edit
    /// list hides the first 1.1 s (ffprobe still declares all 90 frames).</summary>
    private (string Av, string Cut) MadeMp4s()
    {
        var av = _dir.File("av-ntsc.mp4");
        FfmpegTools.Write("-f", "lavfi", "-i", "testsrc2=size=64x48:rate=30000/1001", "-f", "lavfi", "-i", "sine=frequency=440",
            "-t", "3", "-c:v", "libx264", "-bf", "3", "-pix_fmt", "yuv420p", "-c:a", "aac", av);
        var cut = _dir.File("cut.mp4");
        FfmpegTools.Write("-ss", "1.1", "-i", av, "-c", "copy", cut);
        return (av, cut);
    }

    private async Task<(ClipReadResult Read, float[] Samples)> OneProcessTestReadGivesTheFfprobeReadAsync(string path, int ffprobeStarts)
    {
        var (counted, starts) = CountingTools();
        var one = await TestReadAsync(path, counted);
        var two = await TestReadAsync(path, MediaOptions.Default with { ProbeWhileDecoding = false });
        Assert.Equal(two.Read.SourceFrameCount, one.Read.SourceFrameCount);
        Assert.Equal(two.Read.FrameIndices, one.Read.FrameIndices);
        Assert.Equal(two.Read.Geometry, one.Read.Geometry);
        Assert.Equal(two.Samples, one.Samples);
        Assert.Equal(two.Read.Warnings, one.Read.Warnings);
        Assert.Equal(ffprobeStarts, starts("ffprobe"));
        return one;
    }

    [Theory]
    [InlineData("h264.mp4")]
    [InlineData("hevc.mp4")]
    [InlineData("rotated.mp4")]
    [InlineData("faststart.mp4")]
    [InlineData("noise.mp4")]
    public async Task One_process_test_read_of_an_mp4_gives_the_ffprobe_read(string name)
    {
        var one = await OneProcessTestReadGivesTheFfprobeReadAsync(videos.P(name), ffprobeStarts: 0);
        Assert.Empty(one.Read.Warnings);
    }

    [Fact]
    public async Task An_edited_mp4_is_read_in_one_process_or_falls_back_to_the_same_read()
    {
        var (av, cut) = MadeMp4s();
        var one = await OneProcessTestReadGivesTheFfprobeReadAsync(av, ffprobeStarts: 0);
        Assert.Empty(one.Read.Warnings);
        // The hidden frames are declared, so the last clip is padded either way; the one-process read sees that its
        // targets were not served and leaves the read to ffprobe's probe.
        var cutRead = await OneProcessTestReadGivesTheFfprobeReadAsync(cut, ffprobeStarts: 1);
        Assert.Contains(cutRead.Read.Warnings, w => w.Contains("padded", StringComparison.Ordinal));
    }

    [Fact]
    public void Sample_tables_give_ffprobes_frame_count_and_average_rate()
    {
        var (av, cut) = MadeMp4s();
        string[] files = [videos.H264Mp4, videos.HevcMp4, videos.TenBitMp4, videos.GrayMp4, videos.ThreeFrameMp4, videos.RotatedMp4,
            videos.VariableRateMp4, videos.NoiseMp4, videos.P("faststart.mp4"), av, cut];
        foreach (var path in files)
        {
            var text = Encoding.UTF8.GetString(FfmpegTools.Run("ffprobe", "-v", "error", "-select_streams", "v:0",
                "-show_entries", "stream=index,nb_frames,avg_frame_rate", "-of", "csv=p=0", path)).Trim().Split(',');
            var rate = text[1].Split('/').Select(double.Parse).ToArray();
            var track = Mp4VideoTrack.Read(path, int.Parse(text[0]));
            Assert.NotNull(track);
            Assert.Equal(long.Parse(text[2]), track.FrameCount);
            Assert.Equal(rate[0] / rate[1], track.AverageFrameRate, 9);
        }
        Assert.Null(Mp4VideoTrack.Read(videos.H264Mp4, 1));
        Assert.Null(Mp4VideoTrack.Read(videos.AudioOnlyM4a, 0));
        Assert.Null(Mp4VideoTrack.Read(videos.MjpegMkv, 0));
    }

    [Fact]
    public async Task Damaged_mp4_headers_fall_back_or_fail_with_the_typed_error_never_a_guess()
    {
        var bytes = File.ReadAllBytes(videos.P("faststart.mp4"));
        var intact = await TestReadAsync(videos.P("faststart.mp4"), MediaOptions.Default);
        var random = new Random(11);
        for (var i = 0; i < 12; i++)
        {
            var damaged = (byte[])bytes.Clone();
            if (i % 3 == 0)
            {
                damaged = damaged[..random.Next(8, 4096)];
            }
            else
            {
                for (var flip = 0; flip < 4; flip++)
                {
                    damaged[random.Next(0, Math.Min(2048, damaged.Length))] ^= (byte)random.Next(1, 256);
                }
            }
            var path = Write($"damaged-{i}.mp4", damaged);
            var track = Mp4VideoTrack.Read(path, 0);
            try
            {
                var one = await TestReadAsync(path, MediaOptions.Default);
                var two = await TestReadAsync(path, MediaOptions.Default with { ProbeWhileDecoding = false });
                Assert.Equal(two.Read.FrameIndices, one.Read.FrameIndices);
                Assert.Equal(two.Samples, one.Samples);
            }
            catch (VideoInputException e)
            {
                Assert.Equal(path, e.InputPath);
            }
            Assert.True(track is null || track.FrameCount > 0);
        }
        Assert.NotEmpty(intact.Samples);
        Assert.Empty(ChildProcesses.FfmpegChildren());
    }

    [Fact]
    public async Task A_video_shorter_than_a_clip_is_left_to_the_two_process_read_and_its_padding_warning()
    {
        var (counted, starts) = CountingTools();
        var (read, _) = await TrainingReadAsync(videos.ThreeFrameMp4, counted, 1);
        Assert.Contains(read.Warnings, w => w.Contains("the video has 3 frame(s), a clip needs 4", StringComparison.Ordinal));
        Assert.Equal((1, 2), (starts("ffprobe"), starts("ffmpeg")));
    }

    [Fact]
    public async Task A_truncated_video_falls_back_and_fails_with_the_typed_error_without_padding()
    {
        var bytes = File.ReadAllBytes(videos.P("noise.mkv"));
        var path = _dir.File("cut-noise.mkv");
        File.WriteAllBytes(path, bytes[..(int)(bytes.Length * 0.4)]);
        var (counted, starts) = CountingTools(MediaOptions.Default with { PadMissingFrames = false });
        var reader = new VideoClipReader(Contract with { Frames = 16 }, counted);
        var error = await Assert.ThrowsAsync<VideoInputException>(() =>
            reader.ReadTrainingSampleAsync(path, new ClipAugmentation(), 1, new float[reader.SampleElements]));
        Assert.Equal(path, error.InputPath);
        Assert.True(error.Reason is VideoInputError.Corrupt or VideoInputError.Unreadable, error.Message);
        Assert.Equal(1, starts("ffprobe"));
        Assert.Empty(ChildProcesses.FfmpegChildren());
    }

    [Fact]
    public async Task Hostile_files_get_the_two_process_typed_errors_on_the_training_path()
    {
        var random = new byte[50_000];
        new Random(7).NextBytes(random);
        var cases = new (string Path, VideoInputError Reason)[]
        {
            (Write("random.mp4", random), VideoInputError.Unreadable),
            (Write("notes.mp4", Encoding.UTF8.GetBytes("this is not a video\n")), VideoInputError.Unreadable),
            (videos.AudioOnlyM4a, VideoInputError.NoVideoStream),
            (videos.HugeAvi, VideoInputError.TooLarge),
            (_dir.File("missing.mp4"), VideoInputError.NotFound),
        };
        foreach (var (path, reason) in cases)
        {
            var reader = new VideoClipReader(Contract);
            var error = await Assert.ThrowsAsync<VideoInputException>(() =>
                reader.ReadTrainingSampleAsync(path, Augmentation, 1, new float[reader.SampleElements]));
            Assert.Equal((path, reason), (error.InputPath, error.Reason));
            Assert.Empty(ChildProcesses.FfmpegChildren());
        }
    }

    [Fact]
    public async Task A_disallowed_container_is_refused_by_the_demuxer_whitelist_in_one_process_too()
    {
        var (counted, _) = CountingTools(MediaOptions.Default with { AllowedFormats = ["matroska", "webm"] });
        var error = await Assert.ThrowsAsync<VideoInputException>(() => TrainingReadAsync(videos.H264Mp4, counted, 1));
        Assert.Equal(VideoInputError.UnsupportedFormat, error.Reason);
    }

    private string Write(string name, byte[] content)
    {
        var path = _dir.File(name);
        File.WriteAllBytes(path, content);
        return path;
    }
}
