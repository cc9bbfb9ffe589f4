namespace OnnxVideo.Training.Loop;

/// <summary>
/// What one training batch did: its loss and logits, the gradient norm, whether an optimizer step ended with it
/// (always without accumulation; at the last micro-batch of a group with it) and whether that step's update was applied.
/// </summary>
internal sealed record BatchOutcome(float Loss, float[] Logits, float GradientNorm, bool StepTaken, bool Applied);
