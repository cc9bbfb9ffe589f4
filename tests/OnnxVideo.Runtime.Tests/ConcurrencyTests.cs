namespace OnnxVideo.Runtime.Tests;

[Collection(VideoCollection.Name)]
public sealed class ConcurrencyTests(VideoFixture videos)
{
    [Fact]
    public async Task Thirty_two_callers_times_one_hundred_requests_give_the_serial_results_in_flat_memory()
    {
        await using var classifier = new VideoClassifier(new VideoClassifierOptions
        {
            ModelPath = videos.ModelPath, MaxBatchSize = 8, MaxBatchDelay = TimeSpan.FromMilliseconds(2), DecodeWorkers = 4,
        });
        var inputs = Enumerable.Range(1, 5).Select(i => SyntheticFrames.Create($"frames{i}", i)).ToArray();
        var serial = new List<float[]>();
        foreach (var input in inputs)
        {
            var result = await classifier.ClassifyFramesAsync(input);
            Assert.True(result.Succeeded, result.Error?.ToString());
            serial.Add(result.Probabilities);
        }
        Assert.NotEqual(serial[0], serial[1]);

        async Task<int> Caller(int caller, int requests)
        {
            int checkedCount = 0;
            for (int r = 0; r < requests; r++)
            {
                int which = (caller + r) % inputs.Length;
                var result = await classifier.ClassifyFramesAsync(inputs[which]);
                Assert.True(result.Succeeded, result.Error?.ToString());
                for (int k = 0; k < serial[which].Length; k++)
                {
                    Assert.Equal(serial[which][k], result.Probabilities[k], 1e-5f);
                }
                checkedCount++;
            }
            return checkedCount;
        }

        await Task.WhenAll(Enumerable.Range(0, 32).Select(c => Task.Run(() => Caller(c, 10))));
        long warm = GC.GetTotalMemory(forceFullCollection: true);
        var counts = await Task.WhenAll(Enumerable.Range(0, 32).Select(c => Task.Run(() => Caller(c, 100))));
        long end = GC.GetTotalMemory(forceFullCollection: true);

        Assert.All(counts, n => Assert.Equal(100, n));
        Assert.True(end - warm < 32L << 20, $"managed heap grew from {warm >> 20} MB to {end >> 20} MB over 3200 requests");
        var (batches, clips) = classifier.BatchStatistics;
        Assert.True(clips > batches, $"concurrent requests were never merged: {clips} clips in {batches} batches");
    }

    [Fact]
    public async Task Frames_of_the_wrong_size_fail_that_request_only()
    {
        await using var classifier = new VideoClassifier(new VideoClassifierOptions { ModelPath = videos.ModelPath, WarmUp = false });
        var bad = new RgbFrames("torn", 48, 40, [new byte[48 * 40 * 3], new byte[100]]);
        var good = SyntheticFrames.Create("fine", 2);

        var results = await Task.WhenAll(classifier.ClassifyFramesAsync(bad), classifier.ClassifyFramesAsync(good));

        Assert.Equal(ClassificationFailure.InvalidFrames, results[0].Error?.Reason);
        Assert.Contains("torn", results[0].Error!.Message);
        Assert.Contains("frame 1", results[0].Error!.Message);
        Assert.True(results[1].Succeeded);
    }
}
