using OnnxVideo.Training.Loading;
using OnnxVideo.Training.Metrics;

namespace OnnxVideo.Training.Loop;

/// <summary>Counts a trained batch into the epoch's loss and accuracy (of clips, or of target tokens for captions), or into the skipped and bad steps.</summary>
internal static class BatchTally
{
    public static TrainerState Add(TrainerState state, ClipBatch batch, BatchOutcome outcome)
    {
        var skipped = outcome.StepTaken ? 1 : 0;
        if (!float.IsFinite(outcome.Loss) || (outcome.StepTaken && !outcome.Applied))
        {
            return state with
            {
                SkippedSteps = state.SkippedSteps + skipped,
                EpochSkipped = state.EpochSkipped + skipped,
                BadStepsInRow = state.BadStepsInRow + skipped,
            };
        }
        var (correct, scored) = batch.Tokens is { } tokens
            ? tokens.CountCorrect(outcome.Logits)
            : (ClassScores.CountCorrect(outcome.Logits, batch.Labels), batch.Count);
        return state with
        {
            EpochLossSum = state.EpochLossSum + (double)outcome.Loss * batch.Count,
            EpochCorrect = state.EpochCorrect + correct,
            EpochScored = state.EpochScored + scored,
            EpochSeen = state.EpochSeen + batch.Count,
            BadStepsInRow = outcome.StepTaken ? 0 : state.BadStepsInRow,
        };
    }
}
