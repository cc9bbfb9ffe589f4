namespace OnnxVideo.Training.Continual;

/// <summary>
/// One task's accuracy in a <see cref="ContinualReport"/>. <see cref="Role"/> is "new" for the last task the model has
/// learned, "old" for the earlier ones, "unseen" for tasks whose classes it lacks (no accuracy). <see cref="Before"/> is
/// the accuracy at the previous evaluation in the history, <see cref="Best"/> the highest earlier one, and
/// <see cref="Forgetting"/> = Best − Accuracy (Chaudhry et al.'s forgetting measure) for old tasks.
/// </summary>
public sealed record TaskScore
{
    public required string Name { get; init; }
    public required IReadOnlyList<string> Classes { get; init; }
    public required string Role { get; init; }
    /// <summary>Clips of this task's classes that were scored.</summary>
    public int Clips { get; init; }
    /// <summary>Top-1 over all the model's classes (class-incremental: no task identity), or null when unseen.</summary>
    public double? Accuracy { get; init; }
    public double? Before { get; init; }
    public double? Best { get; init; }
    public double? Forgetting { get; init; }
}
