namespace OnnxVideo.Media;

/// <summary>What one read produced: the source's upright size and frame count, the frame indices sampled (clip-major),
/// the geometry ffmpeg applied, and the decode outcome. <see cref="Warnings"/> lists what was filled in rather than
/// decoded (see <see cref="MediaOptions.PadMissingFrames"/>); empty for a clean read.</summary>
public sealed record ClipReadResult(
    string Path,
    int SourceWidth,
    int SourceHeight,
    long SourceFrameCount,
    IReadOnlyList<int> FrameIndices,
    FrameGeometry Geometry,
    DecodeResult Decode,
    int Samples)
{
    public IReadOnlyList<string> Warnings { get; init; } = [];
}
