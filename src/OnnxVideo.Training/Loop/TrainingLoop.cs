using OnnxVideo.Training.Loading;

namespace OnnxVideo.Training.Loop;

/// <summary>
/// Epochs of seeded batches through a stepping policy until the state says the run is finished; everything else
/// (checkpoints, metrics, progress, early stopping, bad-step aborts) happens in the callbacks.
/// </summary>
internal sealed class TrainingLoop(TrainingRun run, IStepPolicy policy, ClipLoader loader, int seed, IReadOnlyList<ITrainingCallback> callbacks)
{
    public async Task RunAsync(CancellationToken ct)
    {
        while (!run.State.Finished)
        {
            run.StartEpochClock();
            policy.BeginEpoch();
            Each(c => c.OnEpochStart(run));
            await foreach (var batch in loader.TrainingEpochAsync(seed, run.State.Epoch, run.State.NextBatch, ct).ConfigureAwait(false))
            {
                ct.ThrowIfCancellationRequested();
                var outcome = policy.Step(batch, lastOfEpoch: batch.BatchIndex == run.BatchesPerEpoch - 1);
                run.State = BatchTally.Add(run.State, batch, outcome) with { NextBatch = batch.BatchIndex + 1 };
                Each(c => c.OnBatchEnd(run, batch, outcome));
            }
            await FinishEpochAsync(ct).ConfigureAwait(false);
        }
    }

    private async Task FinishEpochAsync(CancellationToken ct)
    {
        run.TakeEpochTime();
        if (run.HasValidation)
        {
            Each(c => c.OnValidationStart(run));
        }
        var validation = await run.ValidateAsync(ct).ConfigureAwait(false);
        Each(c => c.OnEpochEnd(run, validation));
    }

    private void Each(Action<ITrainingCallback> call)
    {
        foreach (var callback in callbacks)
        {
            call(callback);
        }
    }
}
