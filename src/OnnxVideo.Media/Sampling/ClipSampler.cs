namespace OnnxVideo.Media;

/// <summary>
/// Turns a contract's sampling rule into frame indices (0-based, in presentation order), clip-major: clip c's frame t
/// is element <c>c * Frames + t</c>. Indices are converted to timestamps with <see cref="ToTimestamps"/> for
/// video files; frame folders use them directly.
/// </summary>
internal sealed class ClipSampler
{
    private readonly PreprocessingContract _contract;

    public ClipSampler(PreprocessingContract contract, ShortVideoPolicy shortVideo = ShortVideoPolicy.RepeatLast)
    {
        contract.Validate();
        _contract = contract;
        ShortVideo = shortVideo;
    }

    public ShortVideoPolicy ShortVideo { get; }
    public int Frames => _contract.Frames;

    /// <summary>Frames one dense clip spans in the source, first to last inclusive.</summary>
    public int DenseSpan => (_contract.Frames - 1) * _contract.Stride + 1;

    /// <summary>Evaluation/inference: <see cref="PreprocessingContract.TestClips"/> clips spread evenly over the video,
    /// each taken at segment centres (uniform) or centred in its share of the video (dense).</summary>
    public int[] TestFrameIndices(long frameCount)
    {
        var clips = _contract.TestClips;
        var indices = new int[clips * Frames];
        for (var c = 0; c < clips; c++)
        {
            var position = (c + 0.5) / clips;
            Fill(frameCount, position, null, indices.AsSpan(c * Frames, Frames));
        }
        return indices;
    }

    /// <summary>Training: one clip at a random position (random offset inside each segment for uniform sampling,
    /// random start for dense); <paramref name="rng"/> makes it reproducible. With <paramref name="rng"/> null the
    /// clip is the centre one.</summary>
    public int[] TrainingFrameIndices(long frameCount, Random? rng)
    {
        var indices = new int[Frames];
        Fill(frameCount, rng is null ? 0.5 : rng.NextDouble(), rng, indices);
        return indices;
    }

    /// <summary>Seconds from the start of the stream of each frame index at a constant <paramref name="frameRate"/>.</summary>
    public static double[] ToTimestamps(ReadOnlySpan<int> indices, double frameRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frameRate);
        var times = new double[indices.Length];
        for (var i = 0; i < indices.Length; i++)
        {
            times[i] = indices[i] / frameRate;
        }
        return times;
    }

    private void Fill(long frameCount, double position, Random? rng, Span<int> clip)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frameCount);
        var t = clip.Length;
        if (_contract.Sampling == SamplingMode.UniformSegments)
        {
            if (frameCount < t)
            {
                FillShort(frameCount, 0, 1, clip);
                return;
            }
            var segment = (double)frameCount / t;
            for (var k = 0; k < t; k++)
            {
                var offset = rng is null ? position : rng.NextDouble();
                clip[k] = (int)Math.Min(frameCount - 1, Math.Floor(segment * (k + offset)));
            }
            return;
        }

        var span = DenseSpan;
        if (frameCount < span)
        {
            FillShort(frameCount, 0, _contract.Stride, clip);
            return;
        }
        var start = (int)Math.Floor((frameCount - span) * position);
        start = (int)Math.Min(start, frameCount - span);
        for (var k = 0; k < t; k++)
        {
            clip[k] = start + k * _contract.Stride;
        }
    }

    private void FillShort(long frameCount, int start, int stride, Span<int> clip)
    {
        for (var k = 0; k < clip.Length; k++)
        {
            long index = start + (long)k * stride;
            clip[k] = (int)(ShortVideo == ShortVideoPolicy.Loop ? index % frameCount : Math.Min(index, frameCount - 1));
        }
    }
}
