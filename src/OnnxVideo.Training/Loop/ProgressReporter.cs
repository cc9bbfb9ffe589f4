using System.Diagnostics;
using OnnxVideo.Training.Loading;

namespace OnnxVideo.Training.Loop;

/// <summary>Reports <see cref="TrainingProgress"/> after each batch and before each validation.</summary>
internal sealed class ProgressReporter(IProgress<TrainingProgress> progress, int epochs) : ITrainingCallback
{
    private readonly Stopwatch _sessionClock = Stopwatch.StartNew();
    private readonly Stopwatch _epochClock = new();
    private long _stepsThisSession;
    private long _seenAtEpochStart;

    public void OnEpochStart(TrainingRun run)
    {
        _epochClock.Restart();
        _seenAtEpochStart = run.State.EpochSeen;
    }

    public void OnBatchEnd(TrainingRun run, ClipBatch batch, BatchOutcome outcome)
    {
        _stepsThisSession += outcome.StepTaken ? 1 : 0;
        var state = run.State;
        var step = run.Session.OptimizerStepCount;
        progress.Report(new TrainingProgress
        {
            Phase = "train",
            Epoch = state.Epoch + 1,
            Epochs = epochs,
            Batch = batch.BatchIndex + 1,
            BatchesPerEpoch = run.BatchesPerEpoch,
            Step = step,
            TotalSteps = run.TotalSteps,
            Loss = state.EpochSeen == 0 ? double.NaN : state.EpochLossSum / state.EpochSeen,
            LearningRate = run.Session.CurrentLearningRate,
            ClipsPerSecond = (state.EpochSeen - _seenAtEpochStart) / Math.Max(1e-9, _epochClock.Elapsed.TotalSeconds),
            Eta = _stepsThisSession == 0 ? null : TimeSpan.FromSeconds(_sessionClock.Elapsed.TotalSeconds / _stepsThisSession *
                Math.Max(0, run.TotalSteps - step)),
            SkippedSteps = state.SkippedSteps,
        });
    }

    public void OnValidationStart(TrainingRun run) => progress.Report(new TrainingProgress
    {
        Phase = "validate", Epoch = run.State.Epoch + 1, Epochs = epochs, Batch = 0, BatchesPerEpoch = 0,
        Step = run.Session.OptimizerStepCount, TotalSteps = 0, LearningRate = run.Session.CurrentLearningRate,
    });
}
