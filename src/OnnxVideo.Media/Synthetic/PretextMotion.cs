namespace OnnxVideo.Media;

/// <summary>
/// The classes of the <see cref="SyntheticPreset.Pretext"/> set (class i is motion i): motions none of the default
/// <see cref="MotionKind"/> classes has (diagonal moves, circular orbits, there-and-back bounces), shown by other
/// objects (discs, rings, crosses) over textured backgrounds, so that pretraining on it and fine-tuning on the
/// default set is transfer to a new task.
/// </summary>
public enum PretextMotion
{
    MoveUpRight,
    MoveUpLeft,
    MoveDownRight,
    MoveDownLeft,
    OrbitClockwise,
    OrbitCounterClockwise,
    BounceHorizontal,
    BounceVertical,
}
