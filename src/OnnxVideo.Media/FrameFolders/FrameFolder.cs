namespace OnnxVideo.Media;

/// <summary>A folder of frame images (jpg or png, one extension), in natural name order (img_2 before img_10).</summary>
public sealed record FrameFolder
{
    public required string Path { get; init; }
    /// <summary>Full paths of the frames, in presentation order.</summary>
    public required IReadOnlyList<string> Frames { get; init; }
    /// <summary>Lower-case extension shared by all frames, without the dot ("jpg", "jpeg" or "png").</summary>
    public required string Extension { get; init; }
    /// <summary>Size of the first frame; every frame is scaled from its own size, so others may differ.</summary>
    public required int Width { get; init; }
    public required int Height { get; init; }
    public int FrameCount => Frames.Count;
}
