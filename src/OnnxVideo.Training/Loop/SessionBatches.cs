using OnnxVideo.Training.Loading;
using OnnxVideo.Training.Sessions;

namespace OnnxVideo.Training.Loop;

/// <summary>Feeds a loader's batch to the session: its token tensors when the clips are captioned, its labels (or soft targets) otherwise.</summary>
internal static class SessionBatches
{
    public static StepResult Train(this TrainingSession session, ClipBatch batch) => batch.Tokens is { } tokens
        ? session.TrainStep(batch.Inputs, tokens)
        : session.TrainStep(batch.Inputs, batch.Labels, batch.Targets);

    public static StepResult Accumulate(this TrainingSession session, ClipBatch batch) => batch.Tokens is { } tokens
        ? session.AccumulateGradients(batch.Inputs, tokens)
        : session.AccumulateGradients(batch.Inputs, batch.Labels, batch.Targets);
}
