using OnnxVideo.Training.Continual;
using OnnxVideo.Training.Loading;
using OnnxVideo.Training.Sessions;

namespace OnnxVideo.Training.Loop;

/// <summary>
/// Gradient accumulation: gradients of <paramref name="microBatchesPerStep"/> micro-batches (fewer for the last group of
/// an epoch) are summed, then one optimizer step applies their mean. Micro-batches with non-finite gradients are left
/// out; a group without any finite one takes no update.
/// </summary>
internal sealed class AccumulatedSteps(TrainingSession session, int microBatchesPerStep, TeacherModel? teacher = null) : IStepPolicy
{
    private int _pending;

    public void BeginEpoch() => _pending = 0;

    public BatchOutcome Step(ClipBatch batch, bool lastOfEpoch)
    {
        var micro = session.Accumulate(batch, teacher);
        _pending++;
        if (_pending < microBatchesPerStep && !lastOfEpoch)
        {
            return new BatchOutcome(micro.Loss, micro.Logits, micro.GradientNorm, StepTaken: false, micro.Applied);
        }
        _pending = 0;
        if (session.AccumulatedBatches == 0)
        {
            return new BatchOutcome(micro.Loss, micro.Logits, micro.GradientNorm, StepTaken: true, Applied: false);
        }
        var update = session.OptimizerStep();
        // Unchanged from the earlier loop: a step whose last micro-batch was left out counts as skipped (and as a bad
        // step) even though the group's other micro-batches were applied.
        return new BatchOutcome(micro.Loss, micro.Logits, update.GradientNorm, StepTaken: true, update.Applied && micro.Applied);
    }
}
