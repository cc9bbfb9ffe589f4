using OnnxVideo.Training.Data;

namespace OnnxVideo.Training.Tests.Data;

public sealed class DatasetSplitTests
{
    private static VideoDataset Make(params int[] perClass)
    {
        var samples = new List<VideoSample>();
        for (var c = 0; c < perClass.Length; c++)
        {
            for (var i = 0; i < perClass[c]; i++)
            {
                samples.Add(new VideoSample($"/data/c{c}/{i:000}.mp4", c));
            }
        }
        return new VideoDataset("/data", perClass.Select((_, c) => $"c{c}").ToArray(), samples);
    }

    [Fact]
    public void SplitIsStratifiedDisjointCompleteAndSeeded()
    {
        var dataset = Make(10, 20, 3, 1);
        var (train, val) = DatasetSplit.Stratified(dataset, 0.2, seed: 5);

        Assert.Equal([2, 4, 1, 0], val.CountPerClass());
        Assert.Equal([8, 16, 2, 1], train.CountPerClass());
        Assert.Empty(train.Samples.Select(s => s.Path).Intersect(val.Samples.Select(s => s.Path)));

        var (train2, val2) = DatasetSplit.Stratified(dataset, 0.2, seed: 5);
        Assert.Equal(val.Samples, val2.Samples);
        Assert.Equal(train.Samples, train2.Samples);
        var (_, other) = DatasetSplit.Stratified(dataset, 0.2, seed: 6);
        Assert.NotEqual(val.Samples.Select(s => s.Path), other.Samples.Select(s => s.Path));
    }
}
