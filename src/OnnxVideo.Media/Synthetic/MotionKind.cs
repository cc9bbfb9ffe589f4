namespace OnnxVideo.Media;

/// <summary>The motions that tell synthetic classes apart (class i is motion i). Every class uses the same shapes,
/// colours, distractors and noise; only the motion of the main shape differs, so no single frame reveals the class.</summary>
internal enum MotionKind
{
    MoveRight,
    MoveLeft,
    MoveUp,
    MoveDown,
    Grow,
    Shrink,
    RotateClockwise,
    RotateCounterClockwise,
}
