namespace OnnxVideo.Training.Metrics;

/// <summary>One line of <c>metrics.jsonl</c>: what one training epoch did and how the model scored after it.</summary>
public sealed record EpochMetrics
{
    public required int Epoch { get; init; }
    /// <summary>Optimizer steps taken so far in the whole run.</summary>
    public required long Step { get; init; }
    public required double TrainLoss { get; init; }
    /// <summary>Training accuracy: of clips (top-1), or of target tokens (teacher-forced) for captioners.</summary>
    public required double TrainTop1 { get; init; }
    /// <summary>Learning rate at the end of the epoch.</summary>
    public required double LearningRate { get; init; }
    public double? ValidationLoss { get; init; }
    public double? ValidationTop1 { get; init; }
    public double? ValidationTop5 { get; init; }
    public double? ValidationMeanClassAccuracy { get; init; }
    /// <summary>Captioners: share of the validation captions' target tokens predicted (teacher-forced arg-max).</summary>
    public double? ValidationTokenAccuracy { get; init; }
    /// <summary>Steps skipped this epoch because the loss or gradient norm was not finite.</summary>
    public int SkippedSteps { get; init; }
    /// <summary>Clips that failed to decode this epoch and were left out.</summary>
    public int FailedClips { get; init; }
    public double Seconds { get; init; }
    public double ClipsPerSecond { get; init; }
}
