using OnnxVideo.Training.Evaluation;
using OnnxVideo.Training.Checkpoints;
using OnnxVideo.Training.Loading;
using OnnxVideo.Training.Metrics;

namespace OnnxVideo.Training.Loop;

/// <summary>
/// Saves a checkpoint (weights, optimizer state, trainer state) at the end of each epoch and, when
/// <paramref name="everySteps"/> is positive, after every that many applied optimizer steps; keeps the newest
/// <paramref name="keepNewest"/> and the best.
/// </summary>
internal sealed class CheckpointCadence(CheckpointStore store, int everySteps, int keepNewest) : ITrainingCallback
{
    public void OnBatchEnd(TrainingRun run, ClipBatch batch, BatchOutcome outcome)
    {
        if (outcome.StepTaken && outcome.Applied && everySteps > 0 && run.Session.OptimizerStepCount % everySteps == 0)
        {
            run.TakeEpochTime();
            Save(run);
        }
    }

    public void OnEpochEnd(TrainingRun run, ValidationReport? validation) => Save(run);

    private void Save(TrainingRun run)
    {
        run.Session.SaveCheckpoint(store, run.State.Epoch, run.State.ToJson());
        store.Prune(keepNewest, [run.State.BestStep]);
    }
}
