namespace OnnxVideo.Training.Sessions;

/// <summary>
/// Outcome of a training step on a batch (a fused <see cref="TrainingSession.TrainStep"/> or a micro-batch of
/// <see cref="TrainingSession.AccumulateGradients"/>): mean loss, logits (batch × classes, row-major), the global
/// gradient norm before clipping and whether the update (or the micro-batch's gradients) was kept — false when loss or
/// norm was not finite.
/// </summary>
public sealed record StepResult(float Loss, float[] Logits, float GradientNorm, bool Applied)
{
    public bool IsFinite => float.IsFinite(Loss) && float.IsFinite(GradientNorm);
}
