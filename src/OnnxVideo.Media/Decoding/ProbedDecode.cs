namespace OnnxVideo.Media;

/// <summary>A decode that probed the video itself (<see cref="ProbingFrameDecoder"/>): the stream information it
/// found, the plan made from it, and the rgb24 frames (<see cref="Rgb"/> is rented from the shared pool; the
/// receiver returns it).</summary>
internal sealed record ProbedDecode(VideoProbe Probe, DecodePlan Plan, byte[] Rgb, DecodeResult Result);
