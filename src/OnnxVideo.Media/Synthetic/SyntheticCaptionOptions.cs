namespace OnnxVideo.Media;

/// <summary>Settings of <see cref="SyntheticCaptionDataset.GenerateAsync"/>: clip counts per split, frames, size.</summary>
internal sealed record SyntheticCaptionOptions
{
    public int TrainClips { get; init; } = 600;
    public int ValidationClips { get; init; } = 100;
    public int TestClips { get; init; } = 200;
    /// <summary>Frames per clip; the first half shows the first event, the rest the second.</summary>
    public int Frames { get; init; } = 8;
    /// <summary>Frame width and height in pixels (rounded up to even for 4:2:0 codecs).</summary>
    public int Size { get; init; } = 32;
    public double FrameRate { get; init; } = 8;
    public int Seed { get; init; } = 1;
    public string Codec { get; init; } = "h264";
    public int Noise { get; init; } = 6;
    public CaptionHoldout Holdout { get; init; } = CaptionHoldout.Default;
    public MediaOptions Media { get; init; } = MediaOptions.Default;

    public void Validate()
    {
        void Require(bool ok, string what)
        {
            if (!ok)
            {
                throw new ArgumentException($"synthetic caption dataset: {what}");
            }
        }
        Require(TrainClips is >= 1 and <= 100_000, $"train clips must be 1..100000 (got {TrainClips})");
        Require(ValidationClips is >= 1 and <= 100_000, $"val clips must be 1..100000 (got {ValidationClips})");
        Require(TestClips is >= 1 and <= 100_000, $"test clips must be 1..100000 (got {TestClips})");
        Require(Frames is >= 4 and <= 256, $"frames must be 4..256 (got {Frames})");
        Require(Size is >= 16 and <= 256, $"size must be 16..256 (got {Size})");
        Require(FrameRate is > 0 and <= 240, $"frame rate must be in (0, 240] (got {FrameRate})");
        Require(Noise is >= 0 and <= 128, $"noise must be 0..128 (got {Noise})");
        Require(SyntheticVideoDataset.Codecs.ContainsKey(Codec),
            $"codec '{Codec}' unknown; use one of {string.Join(", ", SyntheticVideoDataset.Codecs.Keys)}");
    }
}
