using OnnxVideo.Training.Loading;
using OnnxVideo.Training.Metrics;

namespace OnnxVideo.Training.Evaluation;

/// <summary>
/// Scores every clip of a loader: runs the model on each batch's views, averages the logits of a clip's views, and
/// accumulates the metrics. The trainer's validation; <see cref="ModelEvaluation"/> scores exported models the same way.
/// </summary>
internal static class ClipEvaluation
{
    /// <param name="forward">Runs the model on (samples, sample count) and returns count × classes logits.</param>
    public static async Task<ClassificationReport> RunAsync(ClipLoader loader, IReadOnlyList<string> classes,
        Func<Memory<float>, int, float[]> forward, IProgress<int>? clipsDone = null, CancellationToken ct = default)
    {
        var metrics = new ClassificationMetrics(classes);
        var k = classes.Count;
        var done = 0;
        await foreach (var batch in loader.EvaluationAsync(ct).ConfigureAwait(false))
        {
            var views = batch.ViewsPerClip;
            var logits = forward(batch.Inputs, batch.Count * views);
            if (logits.Length != batch.Count * views * k)
            {
                throw new InvalidOperationException($"model returned {logits.Length} logits for {batch.Count * views} samples of {k} classes");
            }
            var mean = new float[k];
            for (var clip = 0; clip < batch.Count; clip++)
            {
                Array.Clear(mean);
                for (var v = 0; v < views; v++)
                {
                    var row = logits.AsSpan((clip * views + v) * k, k);
                    for (var c = 0; c < k; c++)
                    {
                        mean[c] += row[c] / views;
                    }
                }
                metrics.Add(mean, batch.Labels[clip]);
            }
            done += batch.Count;
            clipsDone?.Report(done);
        }
        return metrics.Compute();
    }
}
