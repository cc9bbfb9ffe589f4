using OnnxVideo.Training.Loading;

namespace OnnxVideo.Training.Tests.Loading;

public sealed class ClipLoaderTests
{
    private static async Task<List<ClipBatch>> All(IAsyncEnumerable<ClipBatch> batches)
    {
        var list = new List<ClipBatch>();
        await foreach (var batch in batches)
        {
            list.Add(batch);
        }
        return list;
    }

    [Fact]
    public async Task EpochCoversEveryClipOnceInSeededOrder()
    {
        var source = new FakeClipSource();
        var loader = new ClipLoader(FakeClipSource.Samples(23), source, new LoaderOptions { BatchSize = 5, Workers = 3 });
        var epoch = await All(loader.TrainingEpochAsync(seed: 7, epoch: 2));

        Assert.Equal(5, epoch.Count);
        Assert.Equal([5, 5, 5, 5, 3], epoch.Select(b => b.Count));
        var seen = epoch.SelectMany(b => Enumerable.Range(0, b.Count).Select(i => (int)b.Inputs[i * 4])).ToList();
        Assert.Equal(Enumerable.Range(0, 23), seen.Order());
        Assert.Equal(EpochOrder.Permutation(23, 7, 2), seen);
        Assert.Equal(epoch.SelectMany(b => b.SampleIndices), seen);
        Assert.Equal(seen.Select(i => i % 3), epoch.SelectMany(b => b.Labels));
        Assert.InRange(source.PeakConcurrency, 1, 3);

        var again = await All(loader.TrainingEpochAsync(seed: 7, epoch: 2));
        Assert.Equal(epoch.SelectMany(b => b.Inputs), again.SelectMany(b => b.Inputs));
        var other = await All(loader.TrainingEpochAsync(seed: 7, epoch: 3));
        Assert.NotEqual(seen, other.SelectMany(b => b.SampleIndices));
    }

    [Fact]
    public async Task ResumingAtABatchGivesTheSameRemainingBatches()
    {
        var loader = new ClipLoader(FakeClipSource.Samples(20, 3), new FakeClipSource(), new LoaderOptions { BatchSize = 4, Workers = 2 });
        var full = await All(loader.TrainingEpochAsync(1, 0));
        var fresh = new ClipLoader(FakeClipSource.Samples(20, 3), new FakeClipSource(), new LoaderOptions { BatchSize = 4, Workers = 2 });
        var tail = await All(fresh.TrainingEpochAsync(1, 0, startBatch: 2));
        Assert.Equal(full.Skip(2).Select(b => b.BatchIndex), tail.Select(b => b.BatchIndex));
        Assert.Equal(full.Skip(2).SelectMany(b => b.Inputs), tail.SelectMany(b => b.Inputs));
    }

    [Fact]
    public async Task FailedClipsAreReportedSkippedAndLimited()
    {
        var samples = FakeClipSource.Samples(12, 2, 9);
        var loader = new ClipLoader(samples, new FakeClipSource(), new LoaderOptions { BatchSize = 4, Workers = 2, MaxFailedClips = 2 });
        var epoch = await All(loader.EvaluationAsync());
        Assert.Equal([3, 4, 3], epoch.Select(b => b.Count));
        Assert.Equal([2], epoch[0].Failures.Select(f => f.SampleIndex));
        Assert.Equal([0, 1, 3], epoch[0].SampleIndices);
        Assert.Equal([0f, 1f, 3f], Enumerable.Range(0, 3).Select(i => epoch[0].Inputs[i * 4]));
        Assert.Equal(2, loader.FailedClips);
        Assert.Contains(loader.Failures, f => f.Path == "/d/broken-9.mp4" && f.Reason == "cannot decode");

        var strict = new ClipLoader(samples, new FakeClipSource(), new LoaderOptions { BatchSize = 4, Workers = 2, MaxFailedClips = 1 });
        var error = await Assert.ThrowsAsync<TooManyFailedClipsException>(() => All(strict.EvaluationAsync()));
        Assert.Equal(2, error.Failed);
    }

    [Fact]
    public async Task EvaluationKeepsDatasetOrderAndViews()
    {
        var loader = new ClipLoader(FakeClipSource.Samples(5), new FakeClipSource(views: 3), new LoaderOptions { BatchSize = 2 });
        var batches = await All(loader.EvaluationAsync());
        Assert.Equal([0, 1, 2, 3, 4], batches.SelectMany(b => b.SampleIndices));
        var first = batches[0];
        Assert.Equal(3, first.ViewsPerClip);
        Assert.Equal(2 * 3 * 4, first.Inputs.Length);
        Assert.Equal([0f, 0f, 0f, 1f, 1f, 1f], Enumerable.Range(0, 6).Select(v => first.Inputs[v * 4]));
        Assert.Equal([0f, 1f, 2f], Enumerable.Range(0, 3).Select(v => first.Inputs[v * 4 + 1]));
    }

    [Fact]
    public async Task DeterministicSourceIsDecodedOnceWhenCached()
    {
        var source = new FakeClipSource(deterministic: true);
        var loader = new ClipLoader(FakeClipSource.Samples(10), source, new LoaderOptions { BatchSize = 3 }, cacheBytes: 1 << 20);
        var first = await All(loader.TrainingEpochAsync(3, 0));
        var second = await All(loader.TrainingEpochAsync(3, 1));
        Assert.Equal(10, source.Reads);
        Assert.Equal(Enumerable.Range(0, 10), second.SelectMany(b => Enumerable.Range(0, b.Count).Select(i => (int)b.Inputs[i * 4])).Order());
        Assert.Equal(first.SelectMany(b => b.SampleIndices).Order(), second.SelectMany(b => b.SampleIndices).Order());
    }
}
