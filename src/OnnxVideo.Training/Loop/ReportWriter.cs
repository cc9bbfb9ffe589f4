using OnnxVideo.Training.Evaluation;
using OnnxVideo.Training.Metrics;
using OnnxVideo.Training.Reports;

namespace OnnxVideo.Training.Loop;

/// <summary>Rewrites the HTML report from <c>metrics.jsonl</c>'s epochs after each epoch.</summary>
internal sealed class ReportWriter(string path, string title, MetricsLog log, IReadOnlyList<string> classes) : ITrainingCallback
{
    public void OnEpochEnd(TrainingRun run, ValidationReport? validation) => Write(validation?.Classification);

    /// <param name="validation">The report whose confusion matrix and per-class scores are shown.</param>
    /// <param name="captions">Captioners: the best model's caption scores and sample captions.</param>
    public void Write(ClassificationReport? validation, CaptionScores? captions = null) =>
        HtmlReport.Write(path, title, log.Epochs, validation, classes, captions);
}
