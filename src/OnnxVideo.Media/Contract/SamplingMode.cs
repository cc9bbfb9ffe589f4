namespace OnnxVideo.Media;

/// <summary>How the frames of one clip are picked from a video.</summary>
public enum SamplingMode
{
    /// <summary>TSN-style: the video is cut into T equal segments and one frame is taken from each.</summary>
    UniformSegments,
    /// <summary>T consecutive frames taken every <see cref="PreprocessingContract.Stride"/> frames.</summary>
    Dense,
}
