namespace OnnxVideo.Training.Checkpoints;

/// <summary>
/// A run folder holds an earlier run (checkpoints, metrics) but no checkpoint that verifies; starting over would
/// replace it, so the trainer refuses unless <see cref="TrainerOptions.StartFresh"/> is set.
/// </summary>
public sealed class NoValidCheckpointException(string runDirectory, IReadOnlyList<RejectedCheckpoint> rejected)
    : UserInputException(runDirectory, Describe(rejected))
{
    private static string Describe(IReadOnlyList<RejectedCheckpoint> rejected) => "holds an earlier run but no checkpoint that can be resumed" +
                (rejected.Count == 0 ? " (no checkpoints, only metrics)" : $" ({string.Join("; ", rejected)})") +
                "; pass --fresh (TrainerOptions.StartFresh) to start over, removing the rejected checkpoints and the old metrics, or choose an empty folder";

    public string RunDirectory { get; } = runDirectory;
    public IReadOnlyList<RejectedCheckpoint> Rejected { get; } = rejected;
}
