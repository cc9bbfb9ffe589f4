namespace OnnxVideo.Runtime;

/// <summary>The model's output for one clip, with the clip's share of the run time and its wait in the queue.</summary>
internal readonly record struct ClipLogits(float[] Logits, TimeSpan Inference, TimeSpan Queue);
