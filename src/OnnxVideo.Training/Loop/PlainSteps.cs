using OnnxVideo.Training.Continual;
using OnnxVideo.Training.Loading;
using OnnxVideo.Training.Sessions;

namespace OnnxVideo.Training.Loop;

/// <summary>One fused optimizer step (forward, backward, update) per batch; with a teacher, its logits on the batch feed the distillation term.</summary>
internal sealed class PlainSteps(TrainingSession session, TeacherModel? teacher = null) : IStepPolicy
{
    public void BeginEpoch()
    {
    }

    public BatchOutcome Step(ClipBatch batch, bool lastOfEpoch)
    {
        var result = session.Train(batch, teacher);
        return new BatchOutcome(result.Loss, result.Logits, result.GradientNorm, StepTaken: true, result.Applied);
    }
}
