namespace OnnxVideo.Media;

/// <summary>The shapes of objects in the synthetic caption set.</summary>
internal enum CaptionShape
{
    Square,
    Circle,
    Triangle,
}
