using OnnxVideo.Training.Continual;
using OnnxVideo.Training.Loading;
using OnnxVideo.Training.Sessions;

namespace OnnxVideo.Training.Loop;

/// <summary>Feeds a loader's batch to the session: its token tensors when the clips are captioned, its labels (or soft targets) otherwise; with a teacher, its logits on the batch.</summary>
internal static class SessionBatches
{
    public static StepResult Train(this TrainingSession session, ClipBatch batch, TeacherModel? teacher = null) => batch.Tokens is { } tokens
        ? session.TrainStep(batch.Inputs, tokens, teacher?.Logits(batch))
        : session.TrainStep(batch.Inputs, batch.Labels, batch.Targets, teacher?.Logits(batch));

    public static StepResult Accumulate(this TrainingSession session, ClipBatch batch, TeacherModel? teacher = null) => batch.Tokens is { } tokens
        ? session.AccumulateGradients(batch.Inputs, tokens, teacher?.Logits(batch))
        : session.AccumulateGradients(batch.Inputs, batch.Labels, batch.Targets, teacher?.Logits(batch));
}
