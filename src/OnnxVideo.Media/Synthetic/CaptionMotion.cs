namespace OnnxVideo.Media;

/// <summary>What an object does during its event in the synthetic caption set.</summary>
internal enum CaptionMotion
{
    MoveLeft,
    MoveRight,
    MoveUp,
    MoveDown,
    Grow,
    Shrink,
}
