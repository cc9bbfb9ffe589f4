namespace OnnxVideo.Training;

/// <summary>A progress report of a running <see cref="Trainer"/>.</summary>
public sealed record TrainingProgress
{
    public required string Phase { get; init; }
    public required int Epoch { get; init; }
    public required int Epochs { get; init; }
    public required int Batch { get; init; }
    public required int BatchesPerEpoch { get; init; }
    public required long Step { get; init; }
    public required long TotalSteps { get; init; }
    /// <summary>Mean training loss of the epoch so far.</summary>
    public double Loss { get; init; }
    public double LearningRate { get; init; }
    public double ClipsPerSecond { get; init; }
    public TimeSpan? Eta { get; init; }
    public int SkippedSteps { get; init; }
}
