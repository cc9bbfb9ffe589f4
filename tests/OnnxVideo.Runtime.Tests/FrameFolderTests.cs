namespace OnnxVideo.Runtime.Tests;

/// <summary>A folder of frame images is classified through the same reader as a video file (its pixels come from png
/// frames scaled after RGB conversion, so its scores are close to, not equal to, its video's); a frame that is not an
/// image fails that item, naming the frame.</summary>
[Collection(VideoCollection.Name)]
public sealed class FrameFolderTests(VideoFixture videos) : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_frame_folder_is_classified_and_a_broken_frame_fails_the_folder_by_name()
    {
        var folder = Directory.CreateDirectory(_dir.File("frames")).FullName;
        FfmpegTools.Write("-i", videos.Good[0], Path.Combine(folder, "img_%d.png"));
        await using var classifier = new VideoClassifier(new VideoClassifierOptions { ModelPath = videos.ModelPath, WarmUp = false });

        var fromFolder = await classifier.ClassifyAsync(folder);
        Assert.True(fromFolder.Succeeded, fromFolder.Error?.ToString());
        Assert.Equal(folder, fromFolder.Source);
        Assert.Equal(classifier.ClassCount, fromFolder.Probabilities.Length);
        Assert.Equal(1f, fromFolder.Probabilities.Sum(), 1e-4f);
        Assert.Equal(classifier.Contract.TestClips, fromFolder.Clips.Count);

        File.WriteAllText(Path.Combine(folder, "img_1.png"), "not an image\n");
        var broken = await classifier.ClassifyAsync(folder);
        Assert.False(broken.Succeeded);
        Assert.Contains("img_1.png", broken.Error!.Message);
    }
}
