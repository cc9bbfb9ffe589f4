namespace OnnxVideo.Training.Sessions;

/// <summary>Outcome of <see cref="TrainingSession.EvalStep(Memory{float}, ReadOnlySpan{int})"/>: mean loss and logits (batch × classes, row-major).</summary>
public sealed record EvalResult(float Loss, float[] Logits);
