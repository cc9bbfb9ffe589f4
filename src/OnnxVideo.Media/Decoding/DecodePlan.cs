namespace OnnxVideo.Media;

/// <summary>What to decode from a probed video: frame indices (clip-major), their timestamps in seconds from the
/// start of the stream, and the frame geometry.</summary>
internal sealed record DecodePlan(int[] Indices, double[] Timestamps, FrameGeometry Geometry);
