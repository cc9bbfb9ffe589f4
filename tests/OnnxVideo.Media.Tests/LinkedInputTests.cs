namespace OnnxVideo.Media.Tests;

/// <summary>Symbolic links, special files, names .NET cannot decode and non-image frames: each is refused with a typed
/// error naming the input, and special files before any tool opens them.</summary>
[Collection(MediaCollection.Name)]
public sealed class LinkedInputTests(TestVideos videos) : IDisposable
{
    private static readonly MediaOptions Options = MediaOptions.Default with
    {
        ProbeTimeout = TimeSpan.FromSeconds(30),
        DecodeTimeout = TimeSpan.FromSeconds(30),
    };

    private static readonly PreprocessingContract Contract = new() { Frames = 4, ResizeShortSide = 16, CropSize = 16 };

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static async Task<VideoInputException> ReadFailsAsync(string path)
    {
        var reader = new VideoClipReader(Contract, Options);
        var error = await Assert.ThrowsAsync<VideoInputException>(
            () => reader.ReadTestSamplesAsync(path, new float[reader.TestSamplesPerVideo * reader.SampleElements]));
        Assert.Equal(path, error.InputPath);
        Assert.Contains(path, error.Message);
        Assert.Empty(ChildProcesses.FfmpegChildren());
        return error;
    }

    private string Link(string name, string target)
    {
        var link = _dir.File(name);
        File.CreateSymbolicLink(link, target);
        return link;
    }

    [Fact]
    public async Task A_link_to_a_fifo_is_refused_and_the_fifo_never_opened()
    {
        var fifo = _dir.File("pipe");
        FifoCanary.Make(fifo);
        var link = Link("x.mp4", fifo);

        var opened = await FifoCanary.WatchAsync(fifo, async () =>
        {
            var error = await ReadFailsAsync(link);
            Assert.Equal(VideoInputError.Unreadable, error.Reason);
            Assert.Contains("not a regular file", error.Problem);
            Assert.Contains(fifo, error.Problem);
            var direct = await ReadFailsAsync(fifo);
            Assert.Contains("not a regular file", direct.Problem);
        });
        Assert.False(opened, "the FIFO behind the link was opened");
    }

    [Theory]
    [InlineData("/dev/zero", "not a regular file")]
    [InlineData("/dev/urandom", "not a regular file")]
    [InlineData("/proc/self/mem", "kernel pseudo-file")]
    [InlineData("/proc/self/environ", "kernel pseudo-file")]
    public async Task A_link_to_a_special_file_is_refused_by_type_before_any_tool_runs(string target, string problem)
    {
        var error = await ReadFailsAsync(Link("special.mp4", target));
        Assert.Equal(VideoInputError.Unreadable, error.Reason);
        Assert.Contains(problem, error.Problem);
        Assert.Empty(error.ToolStderr);
    }

    [Fact]
    public async Task A_link_to_a_text_file_outside_the_folder_fails_the_probe_and_is_not_read_as_video()
    {
        var error = await ReadFailsAsync(Link("passwd.mp4", "/etc/passwd"));
        Assert.Equal(VideoInputError.Unreadable, error.Reason);
        Assert.NotEmpty(error.ToolStderr);
    }

    [Fact]
    public async Task Broken_and_looping_links_are_typed_errors()
    {
        var broken = await ReadFailsAsync(Link("broken.mp4", _dir.File("nothing-there.mp4")));
        Assert.Equal(VideoInputError.NotFound, broken.Reason);
        Assert.Contains("broken link", broken.Problem);

        Link("loop-b.mp4", _dir.File("loop-a.mp4"));
        var loop = await ReadFailsAsync(Link("loop-a.mp4", _dir.File("loop-b.mp4")));
        Assert.Equal(VideoInputError.Unreadable, loop.Reason);
        Assert.Contains("link loop", loop.Problem);
    }

    [Fact]
    public async Task A_user_named_link_to_a_video_anywhere_is_read_under_its_own_name()
    {
        var link = Link("elsewhere.mp4", videos.H264Mp4);
        var reader = new VideoClipReader(Contract, Options);
        var viaLink = new float[reader.TestSamplesPerVideo * reader.SampleElements];
        var direct = new float[viaLink.Length];

        var result = await reader.ReadTestSamplesAsync(link, viaLink);
        await reader.ReadTestSamplesAsync(videos.H264Mp4, direct);

        Assert.Equal(link, result.Path);
        Assert.Equal(direct, viaLink);
    }

    [Fact]
    public void Real_path_applies_dot_dot_inside_a_link_to_the_linked_folder_as_the_kernel_does()
    {
        Directory.CreateDirectory(_dir.File("a/b"));
        var file = _dir.Touch("a/c.txt", "x");
        Link("la", _dir.File("a/b"));
        var viaParent = Link("x", "la/../c.txt");

        Assert.Equal(file, RealPath.TryResolve(viaParent, out _, out _));
        Assert.Equal("x", File.ReadAllText(viaParent)); // the kernel agrees: _dir/c.txt does not exist
        Assert.Null(RealPath.TryResolve(_dir.File("la/missing"), out var problem, out var missing));
        Assert.True(missing);
        Assert.Contains("does not exist", problem);
    }

    [Fact]
    public async Task A_file_name_that_is_not_utf8_is_a_typed_error_under_the_name_dotnet_lists()
    {
        NonUtf8Names.CopyAsLatin1(videos.H264Mp4, _dir.Path, ".mp4");
        var listed = Assert.Single(Directory.GetFiles(_dir.Path));
        Assert.Contains('\uFFFD', listed);

        var error = await ReadFailsAsync(listed);
        Assert.Equal(VideoInputError.UndecodableName, error.Reason);
        Assert.Contains("not valid UTF-8", error.Problem);
        Assert.Equal(listed, Assert.Single(Directory.GetFiles(_dir.Path)));
    }

    [Fact]
    public async Task A_frame_folder_whose_first_frame_is_text_is_a_typed_error_naming_the_frame()
    {
        var folder = Directory.CreateDirectory(_dir.File("clip")).FullName;
        FfmpegTools.Write("-f", "lavfi", "-i", "color=red:s=32x24:r=25:d=0.2", "-start_number", "2",
            Path.Combine(folder, "img_%d.jpg"));
        File.WriteAllText(Path.Combine(folder, "img_1.jpg"), "this is not a jpeg\n");
        var reader = new VideoClipReader(Contract, Options);

        var test = await ReadFailsAsync(folder);
        var training = await Assert.ThrowsAsync<VideoInputException>(() =>
            reader.ReadTrainingSampleAsync(folder, ClipAugmentation.None, 1, new float[reader.SampleElements]));

        foreach (var error in new[] { test, training })
        {
            Assert.Equal(folder, error.InputPath);
            Assert.Equal(VideoInputError.Unreadable, error.Reason);
            Assert.Contains("img_1.jpg", error.Message);
        }
    }
}
