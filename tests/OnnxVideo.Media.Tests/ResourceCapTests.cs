using OnnxVideo.Media.Ffmpeg;

namespace OnnxVideo.Media.Tests;

/// <summary>Issue 12 item 9: a container with hundreds of streams is refused by the probe, and every ffmpeg/ffprobe
/// child runs under an address-space limit that turns running out of memory into a typed error.</summary>
[Collection(MediaCollection.Name)]
public sealed class ResourceCapTests(TestVideos videos) : IDisposable
{
    private static readonly PreprocessingContract Contract = new() { Frames = 8, ResizeShortSide = 16, CropSize = 16 };
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>The 30-frame counting clip with its video stream copied <paramref name="copies"/> times (-map 0:v repeated).</summary>
    private string ManyStreams(int copies)
    {
        var path = _dir.File($"streams-{copies}.mkv");
        var arguments = new List<string> { "-i", videos.H264Mp4 };
        for (var i = 0; i < copies; i++)
        {
            arguments.AddRange(["-map", "0:v"]);
        }
        FfmpegTools.Write([.. arguments, "-c", "copy", path]);
        return path;
    }

    [Fact]
    public async Task A_container_with_200_video_streams_is_refused_by_the_probe_naming_the_cap()
    {
        var path = ManyStreams(200);
        var error = await Assert.ThrowsAsync<VideoInputException>(() => FfprobeRunner.ProbeAsync(path));
        Assert.Equal(VideoInputError.TooLarge, error.Reason);
        Assert.Equal(path, error.InputPath);
        Assert.Contains(path, error.Message);
        Assert.Contains("more than 64 streams", error.Message);

        var reader = new VideoClipReader(Contract);
        var read = await Assert.ThrowsAsync<VideoInputException>(() => reader.ReadTestSamplesAsync(path, new float[reader.SampleElements]));
        Assert.Equal(VideoInputError.TooLarge, read.Reason);
        Assert.Empty(ChildProcesses.FfmpegChildren());
    }

    [Fact]
    public async Task A_count_just_over_a_lowered_cap_is_refused_naming_the_cap()
    {
        var path = ManyStreams(3);
        var options = MediaOptions.Default with { MaxStreams = 2 };
        var error = await Assert.ThrowsAsync<VideoInputException>(() => FfprobeRunner.ProbeAsync(path, options));
        Assert.Equal(VideoInputError.TooLarge, error.Reason);
        Assert.Contains("more than 2 streams", error.Message);
        Assert.Equal(3, (await FfprobeRunner.ProbeAsync(path)).StreamCount);
    }

    [Fact]
    public async Task Raising_the_stream_cap_lets_the_same_file_decode_its_first_video_stream()
    {
        var path = ManyStreams(200);
        var reader = new VideoClipReader(Contract, MediaOptions.Default with { MaxStreams = 256 });
        var result = await reader.ReadTestSamplesAsync(path, new float[reader.SampleElements]);
        Assert.Equal(30, result.SourceFrameCount);
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public async Task A_probe_over_its_address_space_limit_fails_with_MemoryLimit_naming_the_file()
    {
        // 16 MiB is below what ffprobe needs to map its own libraries.
        var options = MediaOptions.Default with { MaxToolAddressSpaceBytes = 16L << 20 };
        var error = await Assert.ThrowsAsync<VideoInputException>(() => FfprobeRunner.ProbeAsync(videos.H264Mp4, options));
        Assert.Equal(VideoInputError.MemoryLimit, error.Reason);
        Assert.Contains(videos.H264Mp4, error.Message);
        Assert.Contains("16 MiB", error.Message);
        Assert.Empty(ChildProcesses.FfmpegChildren());
    }

    [Fact]
    public async Task A_decode_over_its_address_space_limit_fails_with_MemoryLimit()
    {
        var probe = await FfprobeRunner.ProbeAsync(videos.H264Mp4);
        var limited = new FfmpegFrameReader(MediaOptions.Default with { MaxToolAddressSpaceBytes = 16L << 20 });
        var geometry = new FrameGeometry(8, 8);
        var error = await Assert.ThrowsAsync<VideoInputException>(
            () => limited.DecodeAsync(probe, new[] { 0.0, 0.5 }, geometry, new byte[2 * geometry.FrameBytes]));
        Assert.Equal(VideoInputError.MemoryLimit, error.Reason);
        Assert.Equal(videos.H264Mp4, error.InputPath);
        Assert.Empty(ChildProcesses.FfmpegChildren());
    }

    [Fact]
    public async Task Children_run_with_the_configured_address_space_limit()
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("the address-space limit is applied on Linux only");
        }
        // A stand-in "ffprobe" that prints the limits it was started with and fails.
        var tool = _dir.File("fake-ffprobe");
        File.WriteAllText(tool, "#!/bin/sh\ncat /proc/self/limits >&2\nexit 3\n");
        File.SetUnixFileMode(tool, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var options = MediaOptions.Default with { FfprobePath = tool, MaxToolAddressSpaceBytes = 1536L << 20 };
        var error = await Assert.ThrowsAsync<VideoInputException>(() => FfprobeRunner.ProbeAsync(videos.H264Mp4, options));
        var line = error.ToolStderr.Split('\n').Single(l => l.StartsWith("Max address space", StringComparison.Ordinal));
        Assert.Equal(2, line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Count(f => f == (1536L << 20).ToString()));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Both_wrappers_pass_arguments_as_a_list_and_set_the_limit(bool withPrlimit)
    {
        var prlimit = ToolCommand.FindExecutable("prlimit");
        Assert.True(!withPrlimit || prlimit is not null, "util-linux prlimit is not installed");
        // An argument with quotes, a semicolon and $ must reach the tool as it is, not be run by the shell.
        var start = ToolCommand.Create("sh", ["-c", "cat /proc/self/limits; printf '%s' \"$1\"", "sh", "a'b\"; echo $HOME"],
            768L << 20, "input", withPrlimit ? prlimit : null);
        using var process = System.Diagnostics.Process.Start(start)!;
        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(withPrlimit ? prlimit : "/bin/sh", start.FileName);
        var limit = output.Split('\n').Single(l => l.StartsWith("Max address space", StringComparison.Ordinal));
        Assert.Contains((768L << 20).ToString(), limit);
        Assert.EndsWith("a'b\"; echo $HOME", output);
    }

    [Fact]
    public async Task A_720p_clip_decodes_under_the_default_limit()
    {
        Assert.Equal(2L << 30, MediaOptions.Default.MaxToolAddressSpaceBytes);
        var path = _dir.File("hd.mp4");
        FfmpegTools.Write("-f", "lavfi", "-i", "testsrc=size=1280x720:rate=30:duration=0.5", "-c:v", "libx264", "-pix_fmt", "yuv420p", path);
        var reader = new VideoClipReader(Contract with { ResizeShortSide = 256, CropSize = 224 });
        var result = await reader.ReadTestSamplesAsync(path, new float[reader.SampleElements]);
        Assert.Equal(1280, result.SourceWidth);
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public async Task A_missing_tool_is_still_ToolMissing_behind_the_limit()
    {
        var options = MediaOptions.Default with { FfprobePath = _dir.File("no-such-ffprobe") };
        var error = await Assert.ThrowsAsync<VideoInputException>(() => FfprobeRunner.ProbeAsync(videos.H264Mp4, options));
        Assert.Equal(VideoInputError.ToolMissing, error.Reason);
    }
}
