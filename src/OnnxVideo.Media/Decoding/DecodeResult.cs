namespace OnnxVideo.Media;

/// <summary>How a decode went: <see cref="FramesRequested"/> frames were written; the last
/// <see cref="FramesRepeated"/> distinct targets lay after the video's last frame and hold that frame.</summary>
public readonly record struct DecodeResult(int FramesRequested, int DistinctTargets, int FramesRepeated);
