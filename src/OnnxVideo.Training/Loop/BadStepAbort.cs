using OnnxVideo.Training.Loading;

namespace OnnxVideo.Training.Loop;

/// <summary>Stops training with <see cref="TrainingAbortedException"/> after too many non-finite steps in a row.</summary>
internal sealed class BadStepAbort(int maxBadStepsInRow) : ITrainingCallback
{
    public void OnBatchEnd(TrainingRun run, ClipBatch batch, BatchOutcome outcome)
    {
        var inRow = run.State.BadStepsInRow;
        if (inRow >= maxBadStepsInRow)
        {
            throw new TrainingAbortedException(
                $"{inRow} steps in a row had a non-finite loss or gradient norm (last loss {outcome.Loss}, gradient norm {outcome.GradientNorm}); " +
                "training stopped with the last good checkpoint kept. Lower the learning rate, enable gradient clipping, or check the inputs.");
        }
    }
}
