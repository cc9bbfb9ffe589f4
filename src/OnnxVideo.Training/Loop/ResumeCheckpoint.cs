using Microsoft.Extensions.Logging;
using OnnxVideo.Training.Checkpoints;
using OnnxVideo.Training.Sessions;

namespace OnnxVideo.Training.Loop;

/// <summary>Which checkpoint of a run folder a run starts from.</summary>
internal static class ResumeCheckpoint
{
    /// <summary>
    /// The newest checkpoint that verifies (newer ones passed over are logged with the reason), or null to start at
    /// epoch 1. An earlier run that cannot be resumed (every checkpoint rejected, or only metrics left) is refused with
    /// <see cref="NoValidCheckpointException"/> unless <see cref="TrainerOptions.StartFresh"/>, which removes it.
    /// </summary>
    public static Checkpoint? Choose(CheckpointStore store, TrainerOptions options, string outputDirectory, string metricsPath, ILogger logger)
    {
        var newest = store.LoadNewestValid(out var rejected);
        foreach (var r in rejected)
        {
            logger.LogWarning("checkpoint {Checkpoint} rejected: {Problem}", r.Directory, r.Problem);
        }
        if (newest is not null)
        {
            if (!options.Resume)
            {
                throw new TrainingSessionException(outputDirectory,
                    $"already holds checkpoints (newest: step {newest.Step}); resume them or choose an empty output folder");
            }
            if (rejected.Count > 0)
            {
                logger.LogWarning("falling back to {Checkpoint} (step {Step}), the newest that verifies", newest.Directory, newest.Step);
            }
            return newest;
        }
        var earlierMetrics = File.Exists(metricsPath) && new FileInfo(metricsPath).Length > 0;
        if (rejected.Count == 0 && !earlierMetrics)
        {
            return null;
        }
        if (!options.StartFresh)
        {
            throw new NoValidCheckpointException(outputDirectory, rejected);
        }
        logger.LogWarning("starting over as asked: no checkpoint in {Folder} can be resumed; removing {Count} rejected checkpoint(s) and the old metrics",
            outputDirectory, rejected.Count);
        foreach (var r in rejected)
        {
            Directory.Delete(r.Directory, recursive: true);
        }
        File.Delete(metricsPath);
        return null;
    }
}
