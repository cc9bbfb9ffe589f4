using OnnxVideo.Training.Evaluation;
using Microsoft.Extensions.Logging;
using OnnxVideo.Training.Metrics;

namespace OnnxVideo.Training.Loop;

/// <summary>
/// At each epoch end moves the state to the next epoch: keeps the best epoch (by the validation score: top-1, or token accuracy for captioners; without validation
/// the latest) and finishes the run after the last epoch, or after <paramref name="patience"/> epochs without
/// improvement (0 = never stop early).
/// </summary>
/// <param name="timeLimit">With <paramref name="elapsed"/> (time since this invocation started): finish once past the limit,
/// or from this invocation's second epoch on when one more epoch as long as the last would end past it (the first epoch
/// decodes and caches the clips, so it predicts the others badly).</param>
internal sealed class EarlyStopping(int patience, int epochs, ILogger logger, TimeSpan? timeLimit = null, Func<TimeSpan>? elapsed = null)
    : ITrainingCallback
{
    private int _epochsThisRun;
    private TimeSpan _lastEpochEnd;

    public void OnEpochEnd(TrainingRun run, ValidationReport? validation)
    {
        _epochsThisRun++;
        var state = run.State;
        var epoch = state.Epoch;
        var score = validation?.Score ?? epoch;
        var improved = score > state.BestScore;
        var withoutImprovement = improved ? 0 : state.EpochsWithoutImprovement + 1;
        var stopEarly = validation is not null && patience > 0 && withoutImprovement >= patience;
        run.State = new TrainerState
        {
            Epoch = epoch + 1,
            NextBatch = 0,
            SkippedSteps = state.SkippedSteps,
            BadStepsInRow = state.BadStepsInRow,
            BestScore = improved ? score : state.BestScore,
            BestEpoch = improved ? epoch : state.BestEpoch,
            BestStep = improved ? run.Session.OptimizerStepCount : state.BestStep,
            EpochsWithoutImprovement = withoutImprovement,
            Finished = stopEarly || epoch + 1 >= epochs || OutOfTime(),
            StoppedEarly = stopEarly,
        };
        if (stopEarly)
        {
            logger.LogInformation("stopping early: no improvement of the validation score for {Patience} epochs", patience);
        }
    }

    private bool OutOfTime()
    {
        if (timeLimit is not { } limit || elapsed is null)
        {
            return false;
        }
        var spent = elapsed();
        var lastEpoch = spent - _lastEpochEnd;
        _lastEpochEnd = spent;
        var outOfTime = spent >= limit || (_epochsThisRun > 1 && spent + lastEpoch > limit);
        if (outOfTime)
        {
            logger.LogInformation("stopping: another epoch would end past the time limit of {Limit} ({Spent:0} s spent)", limit, spent.TotalSeconds);
        }
        return outOfTime;
    }
}
