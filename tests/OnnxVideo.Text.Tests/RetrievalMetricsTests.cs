namespace OnnxVideo.Text.Tests;

public sealed class RetrievalMetricsTests
{
    [Fact]
    public void RecallCountsQueriesWhoseItemRanksInTheTopK()
    {
        double[,] scores =
        {
            { 0.9, 0.1, 0.0, 0.2 }, // item 0 first
            { 0.5, 0.4, 0.3, 0.0 }, // item 1 second
            { 0.9, 0.8, 0.1, 0.7 }, // item 2 last
        };
        int[] relevant = [0, 1, 2];

        Assert.Equal(1.0 / 3, RetrievalMetrics.RecallAtK(scores, relevant, 1), 12);
        Assert.Equal(2.0 / 3, RetrievalMetrics.RecallAtK(scores, relevant, 2), 12);
        Assert.Equal(2.0 / 3, RetrievalMetrics.RecallAtK(scores, relevant, 3), 12);
        Assert.Equal(1.0, RetrievalMetrics.RecallAtK(scores, relevant, 4), 12);
        Assert.Equal(1.0, RetrievalMetrics.RecallAtK(scores, relevant, 10), 12);
    }

    [Fact]
    public void TiesCountAgainstTheRelevantItem()
    {
        double[,] constant = { { 1, 1, 1 }, { 1, 1, 1 } };

        Assert.Equal(0.0, RetrievalMetrics.RecallAtK(constant, [0, 2], 1));
        Assert.Equal(0.0, RetrievalMetrics.RecallAtK(constant, [0, 2], 2));
        Assert.Equal(1.0, RetrievalMetrics.RecallAtK(constant, [0, 2], 3));
    }

    [Fact]
    public void BadArgumentsAreRefused()
    {
        double[,] scores = { { 1, 0 } };
        Assert.Throws<ArgumentException>(() => RetrievalMetrics.RecallAtK(scores, [0, 1], 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => RetrievalMetrics.RecallAtK(scores, [2], 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => RetrievalMetrics.RecallAtK(scores, [0], 0));
        Assert.Throws<ArgumentException>(() => RetrievalMetrics.RecallAtK(new double[,] { { double.NaN, 0 } }, [1], 1));
    }
}
