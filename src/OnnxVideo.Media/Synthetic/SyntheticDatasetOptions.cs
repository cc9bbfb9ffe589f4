namespace OnnxVideo.Media;

/// <summary>Settings of <see cref="SyntheticVideoDataset.GenerateAsync"/>.</summary>
internal sealed record SyntheticDatasetOptions
{
    /// <summary>Which classes: <see cref="SyntheticPreset.Motion"/> (default) or the pretraining set <see cref="SyntheticPreset.Pretext"/>.</summary>
    public SyntheticPreset Preset { get; init; } = SyntheticPreset.Motion;
    /// <summary>Number of classes, 2..8 (the first N <see cref="MotionKind"/> or <see cref="PretextMotion"/> values).</summary>
    public int Classes { get; init; } = 4;
    public int ClipsPerClass { get; init; } = 20;
    public int Frames { get; init; } = 16;
    /// <summary>Frame width and height in pixels (rounded up to even for 4:2:0 codecs).</summary>
    public int Size { get; init; } = 64;
    public double FrameRate { get; init; } = 15;
    public int Seed { get; init; } = 1;
    /// <summary>h264 (mp4), hevc (mp4), vp9 (webm), mpeg4 (avi), mjpeg (mkv) or ffv1 (mkv, lossless).</summary>
    public string Codec { get; init; } = "h264";
    /// <summary>Small shapes moving in random directions, the same for every class.</summary>
    public int Distractors { get; init; } = 2;
    /// <summary>Per-pixel uniform noise amplitude in 0..255 levels.</summary>
    public int Noise { get; init; } = 10;
    /// <summary>Share of each class's clips listed in val.txt instead of train.txt.</summary>
    public double ValidationFraction { get; init; } = 0.2;
    public MediaOptions Media { get; init; } = MediaOptions.Default;

    public void Validate()
    {
        void Require(bool ok, string what)
        {
            if (!ok)
            {
                throw new ArgumentException($"synthetic dataset: {what}");
            }
        }
        Require(Enum.IsDefined(Preset), $"preset {Preset} unknown");
        Require(Classes is >= 2 and <= 8, $"classes must be 2..8 (got {Classes})");
        Require(ClipsPerClass >= 1, $"clips per class must be >= 1 (got {ClipsPerClass})");
        Require(Frames is >= 2 and <= 1000, $"frames must be 2..1000 (got {Frames})");
        Require(Size is >= 16 and <= 1024, $"size must be 16..1024 (got {Size})");
        Require(FrameRate is > 0 and <= 240, $"frame rate must be in (0, 240] (got {FrameRate})");
        Require(Distractors is >= 0 and <= 16, $"distractors must be 0..16 (got {Distractors})");
        Require(Noise is >= 0 and <= 128, $"noise must be 0..128 (got {Noise})");
        Require(ValidationFraction is >= 0 and < 1, $"validation fraction must be in [0, 1) (got {ValidationFraction})");
        Require(SyntheticVideoDataset.Codecs.ContainsKey(Codec),
            $"codec '{Codec}' unknown; use one of {string.Join(", ", SyntheticVideoDataset.Codecs.Keys)}");
    }
}
