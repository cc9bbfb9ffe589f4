using System.Text;

namespace OnnxVideo.Media.Tests;

/// <summary>Issue 17 lever 5: a training read of an unprobed video runs one ffmpeg process that reports the stream and
/// decodes; it gives the two-process read's clip, and anything unusual falls back to the two-process read and its
/// typed errors.</summary>
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
    public async Task Cached_dump_probe_serves_later_epochs_and_test_reads_still_probe_with_ffprobe()
    {
        var (counted, starts) = CountingTools(MediaOptions.Default with { CacheProbes = true });
        var reader = new VideoClipReader(Contract, counted);
        var sample = new float[reader.SampleElements];
        var first = await reader.ReadTrainingSampleAsync(videos.H264Mp4, Augmentation, 3, sample);
        var again = await reader.ReadTrainingSampleAsync(videos.H264Mp4, Augmentation, 3, sample);
        Assert.Equal(first.FrameIndices, again.FrameIndices);
        Assert.Equal((0, 2), (starts("ffprobe"), starts("ffmpeg")));

        await reader.ReadTestSamplesAsync(videos.H264Mp4, sample);
        await reader.ReadTestSamplesAsync(videos.H264Mp4, sample);
        Assert.Equal((1, 4), (starts("ffprobe"), starts("ffmpeg")));
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
