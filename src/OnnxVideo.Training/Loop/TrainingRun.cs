using System.Diagnostics;
using OnnxVideo.Training.Evaluation;
using OnnxVideo.Training.Loading;
using OnnxVideo.Training.Metrics;
using OnnxVideo.Training.Sessions;

namespace OnnxVideo.Training.Loop;

/// <summary>What the loop and its callbacks share during one <see cref="Trainer.RunAsync"/>: the session and the trainer's state.</summary>
internal sealed class TrainingRun(TrainingSession session, TrainerState state, int batchesPerEpoch, long totalSteps,
    IReadOnlyList<string> classes, ClipLoader? validationLoader)
{
    private readonly Stopwatch _epochClock = new();

    public TrainingSession Session => session;
    /// <summary>Saved with each checkpoint; replaced as batches and epochs complete.</summary>
    public TrainerState State { get; set; } = state;
    public int BatchesPerEpoch => batchesPerEpoch;
    public long TotalSteps => totalSteps;
    public bool HasValidation => validationLoader is not null;

    public void StartEpochClock() => _epochClock.Restart();

    /// <summary>Adds the time since the epoch clock last started to the epoch's seconds, and restarts it.</summary>
    public void TakeEpochTime()
    {
        State = State with { EpochSeconds = State.EpochSeconds + _epochClock.Elapsed.TotalSeconds };
        _epochClock.Restart();
    }

    /// <summary>Scores the validation set with the session's current weights (null without one).</summary>
    public async Task<ClassificationReport?> ValidateAsync(CancellationToken ct) => validationLoader is null
        ? null
        : await ClipEvaluation.RunAsync(validationLoader, classes, (inputs, count) => session.EvalStep(inputs, count), null, ct)
            .ConfigureAwait(false);
}
