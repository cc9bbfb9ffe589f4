using System.Text.Json;
using OnnxVideo.Training.Metrics;

namespace OnnxVideo.Training.Tests.Metrics;

public sealed class MetricsLogTests
{
    private static EpochMetrics Epoch(int n) => new()
    {
        Epoch = n, Step = n * 10, TrainLoss = 1.0 / n, TrainTop1 = 0.1 * n, LearningRate = 0.01,
        ValidationTop1 = n == 2 ? null : 0.5,
    };

    [Fact]
    public void OneJsonObjectPerLineAndTruncationOnResume()
    {
        using var dir = new TempDirectory();
        var path = dir.File("metrics.jsonl");
        var log = new MetricsLog(path);
        log.Append(Epoch(1));
        log.Append(Epoch(2));
        log.Append(Epoch(3));

        var lines = File.ReadAllLines(path);
        Assert.Equal(3, lines.Length);
        using (var doc = JsonDocument.Parse(lines[1]))
        {
            Assert.Equal(2, doc.RootElement.GetProperty("epoch").GetInt32());
            Assert.Equal(20, doc.RootElement.GetProperty("step").GetInt64());
            Assert.False(doc.RootElement.TryGetProperty("validationTop1", out _));
        }

        var reopened = new MetricsLog(path);
        Assert.Equal(3, reopened.Epochs.Count);
        reopened.TruncateAfter(1);
        reopened.Append(Epoch(2));
        Assert.Equal([1, 2], MetricsLog.Read(path).Select(e => e.Epoch));
    }
}
