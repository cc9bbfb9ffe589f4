namespace OnnxVideo.Media;

/// <summary>What a clip does when the video has fewer frames than the clip spans.</summary>
public enum ShortVideoPolicy
{
    /// <summary>Sample the frames that exist, then hold the last frame.</summary>
    RepeatLast,
    /// <summary>Wrap around to the first frame.</summary>
    Loop,
}
