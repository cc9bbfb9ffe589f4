namespace OnnxVideo.Training.Sessions;

/// <summary>
/// Outcome of a training or evaluation step: mean loss, logits (batch × classes, row-major) and, for training, the
/// global gradient norm before clipping and whether the update was applied (false when loss or norm was not finite).
/// </summary>
public sealed record StepResult(float Loss, float[] Logits, float GradientNorm, bool Applied)
{
    public bool IsFinite => float.IsFinite(Loss) && float.IsFinite(GradientNorm);
}
