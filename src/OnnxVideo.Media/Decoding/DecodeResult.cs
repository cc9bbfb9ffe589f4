namespace OnnxVideo.Media;

/// <summary>How a decode went: <see cref="FramesRequested"/> frames were written; the last
/// <see cref="FramesRepeated"/> distinct targets lay after the video's last frame and hold that frame (frame folders:
/// targets whose image could not be decoded and hold a neighbour). <see cref="Warning"/> says when that filling
/// covered frames the input claims to have (a truncated stream, an undecodable image); null otherwise.</summary>
public readonly record struct DecodeResult(int FramesRequested, int DistinctTargets, int FramesRepeated,
    string? Warning = null);
