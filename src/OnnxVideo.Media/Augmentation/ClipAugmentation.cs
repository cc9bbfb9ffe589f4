namespace OnnxVideo.Media;

/// <summary>
/// Training-time augmentation of one clip: a random resized crop (area fraction <see cref="MinScale"/>..
/// <see cref="MaxScale"/> of the frame, aspect ratio <see cref="MinAspect"/>..<see cref="MaxAspect"/>, log-uniform, as
/// torchvision's RandomResizedCrop), an opt-in horizontal flip, and temporal jitter (random clip position instead of
/// the centre). The same seed gives the same clip.
/// </summary>
public sealed record ClipAugmentation
{
    /// <summary>No randomness: centre clip, the contract's test-time centre crop.</summary>
    public static ClipAugmentation None { get; } = new()
    {
        RandomResizedCrop = false,
        TemporalJitter = false,
    };

    public bool RandomResizedCrop { get; init; } = true;
    public double MinScale { get; init; } = 0.4;
    public double MaxScale { get; init; } = 1.0;
    public double MinAspect { get; init; } = 3.0 / 4.0;
    public double MaxAspect { get; init; } = 4.0 / 3.0;
    /// <summary>Mirror left-right with probability 0.5. Off by default: it swaps the meaning of left/right classes.</summary>
    public bool HorizontalFlip { get; init; }
    /// <summary>Random temporal position (segment offsets or clip start) instead of the centre.</summary>
    public bool TemporalJitter { get; init; } = true;

    public void Validate()
    {
        if (!(MinScale > 0 && MinScale <= MaxScale && MaxScale <= 1 && MinAspect > 0 && MinAspect <= MaxAspect))
        {
            throw new ArgumentException(
                $"augmentation needs 0 < MinScale <= MaxScale <= 1 and 0 < MinAspect <= MaxAspect (got scale {MinScale}..{MaxScale}, aspect {MinAspect}..{MaxAspect})");
        }
    }

    /// <summary>Frame geometry for one training clip of a <paramref name="sourceWidth"/>×<paramref name="sourceHeight"/>
    /// (upright) video, drawn from <paramref name="rng"/>.</summary>
    public FrameGeometry PlanGeometry(int sourceWidth, int sourceHeight, PreprocessingContract contract, Random rng)
    {
        Validate();
        var size = contract.CropSize;
        CropRegion crop;
        if (RandomResizedCrop)
        {
            crop = RandomCrop(sourceWidth, sourceHeight, rng);
        }
        else
        {
            crop = FrameGeometry.CentreCrop(sourceWidth, sourceHeight, contract).SourceCrop!.Value;
        }
        var flip = HorizontalFlip && rng.NextDouble() < 0.5;
        return new FrameGeometry(size, size, crop, flip);
    }

    private CropRegion RandomCrop(int width, int height, Random rng)
    {
        var area = (double)width * height;
        var logMin = Math.Log(MinAspect);
        var logMax = Math.Log(MaxAspect);
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var target = area * (MinScale + rng.NextDouble() * (MaxScale - MinScale));
            var aspect = Math.Exp(logMin + rng.NextDouble() * (logMax - logMin));
            var w = (int)Math.Round(Math.Sqrt(target * aspect));
            var h = (int)Math.Round(Math.Sqrt(target / aspect));
            if (w >= 1 && h >= 1 && w <= width && h <= height)
            {
                var x = rng.Next(0, width - w + 1);
                var y = rng.Next(0, height - h + 1);
                return new CropRegion(x, y, w, h);
            }
        }
        // Fallback as torchvision: the whole frame, trimmed to the aspect range, centred.
        var ratio = (double)width / height;
        int cw = width, ch = height;
        if (ratio < MinAspect)
        {
            ch = Math.Max(1, (int)Math.Round(width / MinAspect));
        }
        else if (ratio > MaxAspect)
        {
            cw = Math.Max(1, (int)Math.Round(height * MaxAspect));
        }
        return new CropRegion((width - cw) / 2, (height - ch) / 2, cw, ch);
    }
}
