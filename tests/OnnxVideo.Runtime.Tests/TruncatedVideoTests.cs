using OnnxVideo.Media;

namespace OnnxVideo.Runtime.Tests;

/// <summary>Issue 12 item 10: a truncated file is classified with a warning saying what was padded, and with padding
/// off (--no-pad) it fails as a typed, per-item error.</summary>
[Collection(VideoCollection.Name)]
public sealed class TruncatedVideoTests(VideoFixture videos) : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_truncated_avi_is_classified_with_a_padding_warning()
    {
        await using var classifier = new VideoClassifier(new VideoClassifierOptions { ModelPath = videos.ModelPath, WarmUp = false });
        var result = await classifier.ClassifyAsync(FfmpegTools.TruncatedAvi(_dir.Path));
        Assert.True(result.Succeeded, result.Error?.ToString());
        Assert.Matches(@"^padded \d+ of \d+ frames .*the stream ended before frame \d+ of 50 declared$", Assert.Single(result.Warnings));

        var clean = await classifier.ClassifyAsync(videos.Good[0]);
        Assert.Empty(clean.Warnings);
    }

    [Fact]
    public async Task With_padding_off_a_truncated_avi_fails_naming_the_file()
    {
        var path = FfmpegTools.TruncatedAvi(_dir.Path);
        await using var classifier = new VideoClassifier(new VideoClassifierOptions
        {
            ModelPath = videos.ModelPath, WarmUp = false, PadShortVideos = false,
        });
        var result = await classifier.ClassifyAsync(path);
        Assert.Equal(ClassificationFailure.Unreadable, result.Error?.Reason);
        Assert.Contains(path, result.Error!.Message);
        Assert.Contains("--no-pad", result.Error.Message);
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public async Task MediaOptions_PadMissingFrames_false_has_the_same_effect()
    {
        await using var classifier = new VideoClassifier(new VideoClassifierOptions
        {
            ModelPath = videos.ModelPath, WarmUp = false, Media = MediaOptions.Default with { PadMissingFrames = false },
        });
        var truncated = await classifier.ClassifyAsync(FfmpegTools.TruncatedAvi(_dir.Path));
        Assert.Equal(ClassificationFailure.Unreadable, truncated.Error?.Reason);
        var tooShort = await classifier.ClassifyAsync(Path.Combine(videos.MixedFolder, "short.mp4"));
        Assert.Equal(ClassificationFailure.TooShort, tooShort.Error?.Reason);
    }

    [Fact]
    public async Task A_short_video_says_its_last_frame_is_repeated()
    {
        await using var classifier = new VideoClassifier(new VideoClassifierOptions { ModelPath = videos.ModelPath, WarmUp = false });
        var result = await classifier.ClassifyAsync(Path.Combine(videos.MixedFolder, "short.mp4"));
        Assert.True(result.Succeeded, result.Error?.ToString());
        Assert.StartsWith("padded: the video has 2 frame(s), a clip needs", Assert.Single(result.Warnings));
    }
}
