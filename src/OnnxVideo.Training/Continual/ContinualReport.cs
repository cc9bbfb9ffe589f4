namespace OnnxVideo.Training.Continual;

/// <summary>
/// Class-incremental scores of one model: per task (<see cref="TaskScore"/>), over all clips of the old and of the new
/// task's classes, and the mean forgetting over the old tasks (null when no earlier evaluation is in the history).
/// </summary>
public sealed record ContinualReport
{
    public required string Model { get; init; }
    public required IReadOnlyList<TaskScore> Tasks { get; init; }
    /// <summary>Top-1 over the clips of every old task's classes (null without old tasks).</summary>
    public double? OldAccuracy { get; init; }
    /// <summary>Top-1 over the clips of the new task's classes.</summary>
    public double? NewAccuracy { get; init; }
    /// <summary>Mean <see cref="TaskScore.Forgetting"/> over the old tasks that have one.</summary>
    public double? AverageForgetting { get; init; }
    /// <summary>Evaluations in the history, this one included (1 without a history).</summary>
    public int Evaluations { get; init; } = 1;
    /// <summary>Clips that could not be decoded and were left out.</summary>
    public int FailedClips { get; init; }
}
