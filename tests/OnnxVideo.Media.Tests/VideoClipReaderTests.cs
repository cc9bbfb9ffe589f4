namespace OnnxVideo.Media.Tests;

[Collection(MediaCollection.Name)]
public sealed class VideoClipReaderTests(TestVideos videos)
{
    private static readonly PreprocessingContract Contract = new()
    {
        Frames = 8, Sampling = SamplingMode.UniformSegments, TestClips = 2, TestCrops = 3,
        ResizeShortSide = 32, CropSize = 16, Mean = [0.5f, 0.5f, 0.5f], Std = [0.25f, 0.25f, 0.25f],
    };

    /// <summary>Frame number encoded by a counting-video sample at (channel R/G, frame t), read back from the normalised
    /// values of its centre pixel: p = (v × std + mean) × 255.</summary>
    private static int FrameAt(float[] tensor, int sample, int t, PreprocessingContract contract)
    {
        var side = contract.CropSize;
        var plane = side * side;
        var centre = side / 2 * side + side / 2;
        int Offset(int c) => sample * 3 * contract.Frames * plane + (contract.Layout == TensorLayout.NCTHW
            ? (c * contract.Frames + t) * plane
            : (t * 3 + c) * plane) + centre;
        var r = (tensor[Offset(0)] * contract.Std[0] + contract.Mean[0]) * 255;
        var g = (tensor[Offset(1)] * contract.Std[1] + contract.Mean[1]) * 255;
        return (int)Math.Round((r + 255 - g) / 16.0);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Test_samples_hold_the_sampled_frames_for_every_clip_and_crop(bool frameFolder)
    {
        var reader = new VideoClipReader(Contract);
        Assert.Equal(6, reader.TestSamplesPerVideo);
        var tensor = new float[6 * reader.SampleElements];
        var path = frameFolder ? videos.FrameFolder : videos.H264Mp4;
        var result = await reader.ReadTestSamplesAsync(path, tensor);

        Assert.Equal(30, result.SourceFrameCount);
        Assert.Equal(6, result.Samples);
        // 64x48 with short side → 32: 43x32 frames, three 16x16 crops along the width.
        Assert.Equal((43, 32), (result.Geometry.Width, result.Geometry.Height));
        int[][] expected = [[0, 4, 8, 12, 15, 19, 23, 27], [2, 6, 10, 14, 17, 21, 25, 29]];
        for (var clip = 0; clip < 2; clip++)
        {
            for (var crop = 0; crop < 3; crop++)
            {
                var frames = Enumerable.Range(0, 8).Select(t => FrameAt(tensor, clip * 3 + crop, t, Contract)).ToArray();
                Assert.Equal(expected[clip], frames);
            }
        }
        if (frameFolder)
        {
            // PNG is lossless: the normalised value is exact. Frame 4 of clip 0 → R = 8 × 15 = 120.
            var plane = 16 * 16;
            Assert.Equal((120 / 255.0 - 0.5) / 0.25, tensor[(0 * 8 + 4) * plane], 5);
            Assert.Equal((128 / 255.0 - 0.5) / 0.25, tensor[(2 * 8 + 4) * plane], 5);
        }
    }

    [Fact]
    public async Task Single_centre_crop_in_ntchw_float16()
    {
        var contract = Contract with { TestClips = 1, TestCrops = 1, Layout = TensorLayout.NTCHW, Frames = 4 };
        var reader = new VideoClipReader(contract);
        var halves = new Half[reader.SampleElements];
        var floats = new float[reader.SampleElements];
        await reader.ReadTestSamplesAsync(videos.H264Mp4, halves);
        var result = await reader.ReadTestSamplesAsync(videos.H264Mp4, floats);
        Assert.Equal([3, 11, 18, 26], result.FrameIndices);
        Assert.Equal([3, 11, 18, 26], Enumerable.Range(0, 4).Select(t => FrameAt(floats, 0, t, contract)));
        for (var i = 0; i < floats.Length; i++)
        {
            Assert.Equal((Half)floats[i], halves[i]);
        }
    }

    [Fact]
    public async Task Training_samples_are_reproducible_for_a_seed()
    {
        var contract = Contract with { TestClips = 1, TestCrops = 1, Frames = 4 };
        var reader = new VideoClipReader(contract);
        var augmentation = new ClipAugmentation { HorizontalFlip = true };
        var a = new float[reader.SampleElements];
        var b = new float[reader.SampleElements];
        var ra = await reader.ReadTrainingSampleAsync(videos.H264Mp4, augmentation, 5, a);
        var rb = await reader.ReadTrainingSampleAsync(videos.H264Mp4, augmentation, 5, b);
        Assert.Equal(a, b);
        Assert.Equal(ra.FrameIndices, rb.FrameIndices);
        Assert.Equal(ra.Geometry, rb.Geometry);
        // The frames really are the sampled ones.
        Assert.Equal(ra.FrameIndices, Enumerable.Range(0, 4).Select(t => FrameAt(a, 0, t, contract)));
        var others = await Task.WhenAll(Enumerable.Range(6, 4).Select(seed =>
            reader.ReadTrainingSampleAsync(videos.H264Mp4, augmentation, seed, new float[reader.SampleElements])));
        Assert.Contains(others, o => !o.FrameIndices.SequenceEqual(ra.FrameIndices) || o.Geometry != ra.Geometry);
    }

    [Fact]
    public async Task Horizontal_flip_mirrors_the_frame()
    {
        // unrotated.mp4: left half red, right half blue.
        var probe = await FfprobeRunner.ProbeAsync(videos.P("unrotated.mp4"));
        var reader = new FfmpegFrameReader();
        var plain = new FrameGeometry(8, 6);
        var flipped = new FrameGeometry(8, 6, horizontalFlip: true);
        var a = new byte[plain.FrameBytes];
        var b = new byte[flipped.FrameBytes];
        await reader.DecodeAsync(probe, new[] { 0.0 }, plain, a);
        await reader.DecodeAsync(probe, new[] { 0.0 }, flipped, b);
        Assert.True(a[0] > 200 && a[2] < 50, "left pixel of the plain frame is red");
        Assert.True(b[0] < 50 && b[2] > 200, "left pixel of the flipped frame is blue");
        for (var y = 0; y < 6; y++)
        {
            for (var x = 0; x < 8; x++)
            {
                for (var c = 0; c < 3; c++)
                {
                    Assert.Equal(a[(y * 8 + x) * 3 + c], b[(y * 8 + 7 - x) * 3 + c]);
                }
            }
        }
    }

    [Fact]
    public async Task Probe_reports_the_stream()
    {
        var probe = await FfprobeRunner.ProbeAsync(videos.H264Mp4);
        Assert.Equal(("h264", "yuv420p", 64, 48), (probe.Codec, probe.PixelFormat, probe.Width, probe.Height));
        Assert.Equal((30.0, 30.0, 30L, true), (probe.AverageFrameRate, probe.RealFrameRate, probe.FrameCount, probe.FrameCountExact));
        Assert.Equal(1.0, probe.Duration, 3);
        Assert.False(probe.IsVariableFrameRate);
        Assert.Contains("mp4", probe.FormatName.Split(','));

        // Matroska does not state a frame count: estimated, or counted on request.
        var mkv = await FfprobeRunner.ProbeAsync(videos.MjpegMkv);
        Assert.False(mkv.FrameCountExact);
        Assert.Equal(30, mkv.FrameCount);
        var counted = await FfprobeRunner.ProbeAsync(videos.MjpegMkv, MediaOptions.Default with { ExactFrameCount = true });
        Assert.True(counted.FrameCountExact);
        Assert.Equal(30, counted.FrameCount);
    }

    [Fact]
    public async Task Frame_folder_lists_frames_in_natural_order()
    {
        var folder = await new FrameFolderReader().OpenAsync(videos.FrameFolder);
        Assert.Equal(30, folder.FrameCount);
        Assert.Equal(["img_1.png", "img_2.png", "img_10.png"],
            new[] { 0, 1, 9 }.Select(i => Path.GetFileName(folder.Frames[i])));
        Assert.Equal((64, 48), (folder.Width, folder.Height));
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task Cached_probes_save_the_ffprobe_process_until_the_file_changes()
    {
        using var dir = new TempDirectory();
        var video = dir.File("clip.mp4");
        File.Copy(videos.H264Mp4, video);
        // A wrapper that logs each ffprobe start, then runs the real one.
        var log = dir.File("probes.log");
        var wrapper = dir.File("ffprobe-wrapper.sh");
        File.WriteAllText(wrapper, $"#!/bin/sh\necho probe >> '{log}'\nexec ffprobe \"$@\"\n");
        File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        int Probes() => File.Exists(log) ? File.ReadAllLines(log).Length : 0;

        // Two-process reads: an MP4's test read otherwise takes its frame count from the file's sample tables.
        var twoProcesses = MediaOptions.Default with { FfprobePath = wrapper, ProbeWhileDecoding = false };
        var cached = new VideoClipReader(Contract, twoProcesses with { CacheProbes = true });
        var tensor = new float[cached.TestSamplesPerVideo * cached.SampleElements];
        var first = await cached.ReadTestSamplesAsync(video, tensor);
        var again = await cached.ReadTestSamplesAsync(video, tensor);
        Assert.Equal(1, Probes());
        Assert.Equal(first.FrameIndices, again.FrameIndices);

        // Replaced by a shorter clip (other size, later time): probed again, and its own frame count is used.
        File.Copy(videos.ThreeFrameMp4, video, overwrite: true);
        File.SetLastWriteTimeUtc(video, DateTime.UtcNow.AddMinutes(1));
        var changed = await cached.ReadTestSamplesAsync(video, tensor);
        Assert.Equal(2, Probes());
        Assert.Equal(3, changed.SourceFrameCount);

        var uncached = new VideoClipReader(Contract, twoProcesses);
        await uncached.ReadTestSamplesAsync(video, tensor);
        await uncached.ReadTestSamplesAsync(video, tensor);
        Assert.Equal(4, Probes());
    }
}
