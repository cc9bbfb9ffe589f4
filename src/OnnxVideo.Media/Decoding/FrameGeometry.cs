namespace OnnxVideo.Media;

/// <summary>
/// What ffmpeg makes of each decoded frame: an optional crop of the upright source frame, scaled to
/// <see cref="Width"/>×<see cref="Height"/> rgb24, optionally mirrored left-right. All of it runs in ffmpeg's filter
/// graph, before RGB conversion.
/// </summary>
public sealed record FrameGeometry
{
    public FrameGeometry(int width, int height, CropRegion? sourceCrop = null, bool horizontalFlip = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        Width = width;
        Height = height;
        SourceCrop = sourceCrop;
        HorizontalFlip = horizontalFlip;
    }

    public int Width { get; }
    public int Height { get; }
    /// <summary>Region of the upright source frame to keep; null keeps the whole frame.</summary>
    public CropRegion? SourceCrop { get; }
    public bool HorizontalFlip { get; }
    public int FrameBytes => Width * Height * 3;

    /// <summary>The contract's test-time single crop: resize the short side to <c>ResizeShortSide</c>, take the centre
    /// <c>CropSize</c> square. Done as one crop of the source followed by one scale.</summary>
    public static FrameGeometry CentreCrop(int sourceWidth, int sourceHeight, PreprocessingContract contract)
    {
        var shortSide = Math.Min(sourceWidth, sourceHeight);
        var side = Math.Clamp((int)Math.Round((double)contract.CropSize * shortSide / contract.ResizeShortSide), 1, shortSide);
        var crop = new CropRegion((sourceWidth - side) / 2, (sourceHeight - side) / 2, side, side);
        return new FrameGeometry(contract.CropSize, contract.CropSize, crop);
    }

    /// <summary>The whole frame with its short side resized to <paramref name="shortSide"/>, aspect kept (the input
    /// of multi-crop testing, where crops are cut from the rgb frames).</summary>
    public static FrameGeometry ResizeShortSide(int sourceWidth, int sourceHeight, int shortSide)
    {
        return sourceWidth <= sourceHeight
            ? new FrameGeometry(shortSide, Math.Max(shortSide, (int)Math.Round((double)sourceHeight * shortSide / sourceWidth)))
            : new FrameGeometry(Math.Max(shortSide, (int)Math.Round((double)sourceWidth * shortSide / sourceHeight)), shortSide);
    }

    /// <summary>Crops of side <paramref name="cropSize"/> inside a <paramref name="width"/>×<paramref name="height"/>
    /// frame: one centred, or three along the long side (start, centre, end), centred across the short side.</summary>
    public static CropRegion[] TestCrops(int width, int height, int cropSize, int count)
    {
        if (cropSize > width || cropSize > height)
        {
            throw new ArgumentException($"crop {cropSize} does not fit a {width}x{height} frame");
        }
        var cx = (width - cropSize) / 2;
        var cy = (height - cropSize) / 2;
        var centre = new CropRegion(cx, cy, cropSize, cropSize);
        if (count == 1)
        {
            return [centre];
        }
        if (count != 3)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "test crops must be 1 or 3");
        }
        return width >= height
            ? [centre with { X = 0 }, centre, centre with { X = width - cropSize }]
            : [centre with { Y = 0 }, centre, centre with { Y = height - cropSize }];
    }
}
