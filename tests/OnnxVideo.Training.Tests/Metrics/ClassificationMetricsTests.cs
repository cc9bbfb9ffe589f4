using OnnxVideo.Training.Metrics;

namespace OnnxVideo.Training.Tests.Metrics;

public sealed class ClassificationMetricsTests
{
    [Fact]
    public void HandWorkedExample()
    {
        // 3 classes; predictions (argmax): clip0 true 0 → 0, clip1 true 0 → 1, clip2 true 1 → 1, clip3 true 2 → 1.
        var metrics = new ClassificationMetrics(["a", "b", "c"]);
        metrics.Add([2f, 1f, 0f], 0);
        metrics.Add([0f, 3f, 1f], 0);
        metrics.Add([0f, 1f, 0f], 1);
        metrics.Add([0f, 2f, 1f], 2);
        var report = metrics.Compute();

        Assert.Equal(4, report.Count);
        Assert.Equal(0.5, report.Top1, 12);
        Assert.Equal(1.0, report.Top5, 12);
        // Recall: a 1/2, b 1/1, c 0/1 → mean 0.5.
        Assert.Equal(0.5, report.MeanClassAccuracy, 12);
        Assert.Equal(new[] { new[] { 1, 1, 0 }, new[] { 0, 1, 0 }, new[] { 0, 1, 0 } }, report.Confusion);
        // Precision b: 1 of 3 predicted b are b; recall 1; F1 = 2·(1/3)·1/(4/3) = 0.5.
        var b = report.PerClass[1];
        Assert.Equal(1 / 3.0, b.Precision, 12);
        Assert.Equal(1.0, b.Recall, 12);
        Assert.Equal(0.5, b.F1, 12);
        Assert.Equal(0.0, report.PerClass[2].F1);
        Assert.Equal(2, report.PerClass[0].Support);

        static double Ce(double[] z, int y) => Math.Log(z.Sum(Math.Exp)) - z[y];
        var expectedLoss = (Ce([2, 1, 0], 0) + Ce([0, 3, 1], 0) + Ce([0, 1, 0], 1) + Ce([0, 2, 1], 2)) / 4;
        Assert.Equal(expectedLoss, report.Loss, 6);
    }

    [Fact]
    public void TopFiveCountsTrueClassAmongFiveHighest()
    {
        var classes = Enumerable.Range(0, 7).Select(i => $"k{i}").ToArray();
        var metrics = new ClassificationMetrics(classes);
        float[] logits = [7, 6, 5, 4, 3, 2, 1];
        metrics.Add(logits, 4); // 5th highest → in top-5
        metrics.Add(logits, 5); // 6th → not
        metrics.AddBatch([.. logits, .. logits], [0, 6]);
        var report = metrics.Compute();
        Assert.Equal(0.25, report.Top1, 12);
        Assert.Equal(0.5, report.Top5, 12);
    }

    [Fact]
    public void RejectsWrongLogitCountAndLabel()
    {
        var metrics = new ClassificationMetrics(["a", "b"]);
        Assert.Throws<ArgumentException>(() => metrics.Add([1f, 2f, 3f], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => metrics.Add([1f, 2f], 2));
    }
}
