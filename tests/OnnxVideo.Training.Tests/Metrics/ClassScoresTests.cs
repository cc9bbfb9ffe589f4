using OnnxVideo.Training.Metrics;

namespace OnnxVideo.Training.Tests.Metrics;

public sealed class ClassScoresTests
{
    [Theory]
    [InlineData(new[] { 0.1f, 0.7f, 0.2f }, 1)]
    [InlineData(new[] { 3f, 1f, 3f }, 0)]
    [InlineData(new[] { -5f, -1f, -1f }, 1)]
    [InlineData(new[] { float.NaN, 2f, 1f }, 1)]
    [InlineData(new[] { 1f, float.NaN, 4f }, 2)]
    [InlineData(new[] { float.NegativeInfinity, float.NegativeInfinity }, 0)]
    [InlineData(new[] { float.NegativeInfinity, float.PositiveInfinity }, 1)]
    public void ArgMaxIsTheFirstHighestScoreAndNaNNeverWins(float[] scores, int expected) =>
        Assert.Equal(expected, ClassScores.ArgMax(scores));

    [Fact]
    public void CountCorrectComparesEachRowsArgMaxWithItsLabel()
    {
        float[] logits =
        [
            0f, 2f, 1f, // → 1
            5f, 5f, 0f, // → 0 (tie)
            0f, 0f, 9f, // → 2
        ];
        Assert.Equal(2, ClassScores.CountCorrect(logits, [1, 1, 2]));
        Assert.Equal(0, ClassScores.CountCorrect(logits, [0, 2, 1]));
    }
}
