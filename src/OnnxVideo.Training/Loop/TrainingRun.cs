using System.Diagnostics;
using OnnxVideo.Training.Evaluation;
using OnnxVideo.Training.Sessions;

namespace OnnxVideo.Training.Loop;

/// <summary>What the loop and its callbacks share during one <see cref="Trainer.RunAsync"/>: the session and the trainer's state.</summary>
/// <param name="validate">Scores the validation set with the session's current weights; null without one.</param>
internal sealed class TrainingRun(TrainingSession session, TrainerState state, int batchesPerEpoch, long totalSteps,
    Func<CancellationToken, Task<ValidationReport>>? validate)
{
    private readonly Stopwatch _epochClock = new();

    public TrainingSession Session => session;
    /// <summary>Saved with each checkpoint; replaced as batches and epochs complete.</summary>
    public TrainerState State { get; set; } = state;
    public int BatchesPerEpoch => batchesPerEpoch;
    public long TotalSteps => totalSteps;
    public bool HasValidation => validate is not null;

    public void StartEpochClock() => _epochClock.Restart();

    /// <summary>Adds the time since the epoch clock last started to the epoch's seconds, and restarts it.</summary>
    public void TakeEpochTime()
    {
        State = State with { EpochSeconds = State.EpochSeconds + _epochClock.Elapsed.TotalSeconds };
        _epochClock.Restart();
    }

    /// <summary>Scores the validation set with the session's current weights (null without one).</summary>
    public async Task<ValidationReport?> ValidateAsync(CancellationToken ct) => validate is null
        ? null
        : await validate(ct).ConfigureAwait(false);
}
