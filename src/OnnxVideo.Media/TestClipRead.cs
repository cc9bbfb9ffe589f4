namespace OnnxVideo.Media;

/// <summary>A test-clip read: what was decoded, and the plan (clip time spans, timeline or not) it followed.</summary>
internal sealed record TestClipRead(ClipReadResult Read, ClipPlan Plan);
