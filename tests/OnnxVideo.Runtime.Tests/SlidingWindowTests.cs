namespace OnnxVideo.Runtime.Tests;

[Collection(VideoCollection.Name)]
public sealed class SlidingWindowTests(VideoFixture videos)
{
    [Fact]
    public async Task A_long_video_gives_a_timeline_of_windows_each_scored_like_its_own_frames()
    {
        var contract = TinyVideoModel.Contract;
        await using var classifier = new VideoClassifier(new VideoClassifierOptions
        {
            ModelPath = videos.ModelPath, Window = TimeSpan.FromSeconds(2), WindowStride = TimeSpan.FromSeconds(1), TopK = 2,
        });

        var result = await classifier.ClassifyAsync(videos.LongVideo);

        Assert.True(result.Succeeded, result.Error?.ToString());
        Assert.NotNull(result.Timeline);
        // 6 s at 10 fps, 2 s windows every 1 s: windows start at 0, 1, 2, 3, 4 s.
        Assert.Equal([0.0, 1, 2, 3, 4], result.Timeline!.Select(s => Math.Round(s.Start.TotalSeconds, 3)));
        Assert.Equal([2.0, 3, 4, 5, 6], result.Timeline!.Select(s => Math.Round(s.End.TotalSeconds, 3)));
        Assert.All(result.Timeline!, s => Assert.Equal(2, s.Top.Count));

        var (w, h) = ReferencePipeline.Size(videos.LongVideo);
        int side = (int)Math.Round((double)contract.CropSize * Math.Min(w, h) / contract.ResizeShortSide);
        var frames = ReferencePipeline.DecodeAll(videos.LongVideo,
            FormattableString.Invariant($"crop={side}:{side}:{(w - side) / 2}:{(h - side) / 2}:exact=1,scale=32:32:flags=bilinear,format=rgb24"), 32, 32);
        Assert.Equal(60, frames.Length);
        var windows = Enumerable.Range(0, 5)
            .Select(k => ReferencePipeline.UniformClipIndices(20, contract.Frames, 0, 1).Select(i => frames[10 * k + i]).ToArray())
            .Select(f => ReferencePipeline.Normalize(f, 32, 0, 0, contract)).ToArray();
        var expected = ReferencePipeline.Probabilities(videos.ModelPath, windows, contract);
        for (int k = 0; k < 5; k++)
        {
            var top = Enumerable.Range(0, expected[k].Length).OrderByDescending(j => expected[k][j]).First();
            Assert.Equal(contract.Labels[top], result.Timeline![k].Top[0].Label);
            Assert.Equal(expected[k][top], result.Timeline![k].Top[0].Score, 1e-4f);
        }
        var mean = ReferencePipeline.Mean(expected);
        for (int j = 0; j < mean.Length; j++)
        {
            Assert.Equal(mean[j], result.Probabilities[j], 1e-4f);
        }
    }
}
