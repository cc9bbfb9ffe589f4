namespace OnnxVideo.Training.Metrics;

/// <summary>Accuracy figures over a set of clips. <see cref="Confusion"/>[true][predicted] counts clips.</summary>
public sealed record ClassificationReport
{
    public required int Count { get; init; }
    public required double Top1 { get; init; }
    public required double Top5 { get; init; }
    /// <summary>Recall averaged over the classes that have clips.</summary>
    public required double MeanClassAccuracy { get; init; }
    /// <summary>Mean cross-entropy of the softmax of the logits (NaN when not computed).</summary>
    public required double Loss { get; init; }
    public required IReadOnlyList<ClassMetrics> PerClass { get; init; }
    public required int[][] Confusion { get; init; }
}
