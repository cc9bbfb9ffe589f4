using OnnxVideo.Training.Loading;

namespace OnnxVideo.Training.Tests.Loading;

public sealed class CaptionBatchTargetsTests
{
    private static readonly CaptionTokens Specials = new(Pad: 0, Bos: 1, Eos: 2, MaxLength: 8);

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
    public void TokensAreBosPlusIdsAndTargetsIdsPlusEosPaddedToTheLongestRow()
    {
        IReadOnlyList<IReadOnlyList<int[]>> captions = [[[10, 11, 12]], [[20]]];
        var targets = new CaptionBatchTargets(captions, Specials);
        var batch = targets.ForEvaluation(new ClipBatch(new float[2], [0, 0], [0, 1], 1, 1));
        var tokens = batch.Tokens!;
        Assert.Equal(4, tokens.Length);
        Assert.Equal([1L, 10, 11, 12, 1, 20, 0, 0], tokens.Tokens);
        Assert.Equal([10L, 11, 12, 2, 20, 2, 0, 0], tokens.Targets);
        Assert.Equal(6, tokens.ScoredTokens);
    }

    [Fact]
    public void EvaluationViewsRepeatTheClipsRows()
    {
        IReadOnlyList<IReadOnlyList<int[]>> captions = [[[10]], [[20, 21]]];
        var tokens = new CaptionBatchTargets(captions, Specials).ForEvaluation(new ClipBatch(new float[4], [0, 0], [1, 0], 2, 1)).Tokens!;
        Assert.Equal(4, tokens.Rows);
        Assert.Equal([1L, 20, 21, 1, 20, 21, 1, 10, 0, 1, 10, 0], tokens.Tokens);
    }

    [Fact]
    public async Task TrainingSamplesEveryCaptionOfAClipAcrossEpochsAndTheSameOnesOnResume()
    {
        // Clip i has captions [100 + i], [200 + i], [300 + i]: the first id of a row says which caption was chosen.
        var captions = Enumerable.Range(0, 6).Select(i => (IReadOnlyList<int[]>)[[100 + i], [200 + i], [300 + i]]).ToList();
        var loader = new ClipLoader(FakeClipSource.Samples(6), new FakeClipSource(), new LoaderOptions { BatchSize = 4, Workers = 2 })
        {
            Targets = new CaptionBatchTargets(captions, Specials),
        };
        var chosen = new HashSet<long>();
        for (var epoch = 0; epoch < 30; epoch++)
        {
            foreach (var batch in await All(loader.TrainingEpochAsync(3, epoch)))
            {
                for (var row = 0; row < batch.Count; row++)
                {
                    var first = batch.Tokens!.Tokens[row * batch.Tokens.Length + 1];
                    Assert.Equal(batch.SampleIndices[row], (int)(first % 100));
                    chosen.Add(first);
                }
            }
        }
        Assert.Equal(18, chosen.Count);

        var full = await All(loader.TrainingEpochAsync(5, 4));
        var resumed = await All(loader.TrainingEpochAsync(5, 4, startBatch: 1));
        Assert.Equal(full[1].Tokens!.Tokens, resumed[0].Tokens!.Tokens);
    }

    [Fact]
    public void TokenAccuracyCountsOnlyNonPadTargets()
    {
        var tokens = new TokenTargets([1, 5, 1, 0], [5, 2, 2, 0], Length: 2, Pad: 0);
        // Vocabulary 6; arg-max per position: 5 (right), 3 (wrong), 2 (right), 4 (pad: not counted).
        var logits = new float[4 * 6];
        logits[0 * 6 + 5] = 1;
        logits[1 * 6 + 3] = 1;
        logits[2 * 6 + 2] = 1;
        logits[3 * 6 + 4] = 1;
        Assert.Equal((2L, 3L), tokens.CountCorrect(logits));
        Assert.Equal((0L, 0L), tokens.CountCorrect([]));
    }
}
