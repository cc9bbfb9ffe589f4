namespace OnnxVideo.Media;

/// <summary>Which family of synthetic classes <see cref="SyntheticVideoDataset.GenerateAsync"/> renders.</summary>
public enum SyntheticPreset
{
    /// <summary>Bars and triangles on gradients whose <see cref="MotionKind"/> is the class (the demo's and tests' data).</summary>
    Motion,
    /// <summary>Discs, rings and crosses on stripes and checkerboards whose <see cref="PretextMotion"/> is the class: a
    /// pretraining task that differs from <see cref="Motion"/>.</summary>
    Pretext,
}
