using OnnxVideo.Training.Metrics;

namespace OnnxVideo.Training.Evaluation;

/// <summary>
/// One epoch's validation: the loss, the score that picks the best epoch and drives early stopping (clip top-1 for
/// classifiers, target-token accuracy for captioners), and the task's own figures.
/// </summary>
internal sealed record ValidationReport(double Loss, double Score)
{
    /// <summary>Classifiers: the full report (confusion matrix, per-class scores).</summary>
    public ClassificationReport? Classification { get; init; }

    /// <summary>Captioners: share of non-pad target tokens predicted (teacher-forced arg-max).</summary>
    public double? TokenAccuracy { get; init; }

    public static ValidationReport Of(ClassificationReport report) => new(report.Loss, report.Top1) { Classification = report };
}
