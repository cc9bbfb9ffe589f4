using OnnxVideo.Training.Loading;
using OnnxVideo.Training.Sessions;

namespace OnnxVideo.Training.Loop;

/// <summary>One fused optimizer step (forward, backward, update) per batch.</summary>
internal sealed class PlainSteps(TrainingSession session) : IStepPolicy
{
    public void BeginEpoch()
    {
    }

    public BatchOutcome Step(ClipBatch batch, bool lastOfEpoch)
    {
        var result = session.Train(batch);
        return new BatchOutcome(result.Loss, result.Logits, result.GradientNorm, StepTaken: true, result.Applied);
    }
}
