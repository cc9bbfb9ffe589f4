using OnnxVideo.Training.Evaluation;
using OnnxVideo.Training.Loading;
using OnnxVideo.Training.Metrics;

namespace OnnxVideo.Training.Loop;

/// <summary>
/// Appends each epoch's line to <c>metrics.jsonl</c> and passes it to <paramref name="epochCompleted"/>. Runs before the
/// epoch's state is reset and before its checkpoint, so a run killed in between repeats the epoch's line, never loses it.
/// </summary>
internal sealed class MetricsRecorder(MetricsLog log, ClipLoader trainLoader, Action<EpochMetrics>? epochCompleted) : ITrainingCallback
{
    public void OnEpochEnd(TrainingRun run, ValidationReport? validation)
    {
        var state = run.State;
        var line = new EpochMetrics
        {
            Epoch = state.Epoch + 1,
            Step = run.Session.OptimizerStepCount,
            TrainLoss = state.EpochSeen == 0 ? double.NaN : state.EpochLossSum / state.EpochSeen,
            TrainTop1 = state.EpochAccuracy,
            LearningRate = run.Session.CurrentLearningRate,
            ValidationLoss = validation?.Loss,
            ValidationTop1 = validation?.Classification?.Top1,
            ValidationTop5 = validation?.Classification?.Top5,
            ValidationMeanClassAccuracy = validation?.Classification?.MeanClassAccuracy,
            ValidationTokenAccuracy = validation?.TokenAccuracy,
            SkippedSteps = state.EpochSkipped,
            FailedClips = trainLoader.FailedClips,
            Seconds = state.EpochSeconds,
            ClipsPerSecond = state.EpochSeconds > 0 ? state.EpochSeen / state.EpochSeconds : 0,
        };
        log.Append(line);
        epochCompleted?.Invoke(line);
    }
}
