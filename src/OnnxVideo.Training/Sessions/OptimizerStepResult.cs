namespace OnnxVideo.Training.Sessions;

/// <summary>
/// Outcome of <see cref="TrainingSession.OptimizerStep"/>: the global norm of the accumulated gradients' mean before
/// clipping, and whether the update was applied (false when the norm or an updated weight was not finite).
/// </summary>
public sealed record OptimizerStepResult(float GradientNorm, bool Applied);
