namespace OnnxVideo.Training.Loading;

/// <summary>
/// Mixes training batches as <see cref="MixSettings"/> says, deterministically: a batch's mix depends only on the run
/// seed, the epoch and the batch's index, so a resumed run mixes its batches exactly as an uninterrupted one. Samples
/// are clips whose last two dimensions are height and width (NCTHW or NTCHW); every frame of a clip gets the same mix.
/// </summary>
public sealed class BatchMixer
{
    private readonly MixSettings _settings;
    private readonly int _classCount;
    private readonly int _height;
    private readonly int _width;

    /// <param name="sampleShape">One sample without the batch dimension; its last two dimensions are height and width.</param>
    public BatchMixer(MixSettings settings, int classCount, IReadOnlyList<long> sampleShape)
    {
        settings.Validate();
        if (classCount < 1 || sampleShape.Count < 2 || sampleShape.Any(d => d < 1))
        {
            throw new ArgumentException($"mixing needs classes >= 1 and a sample shape ending in height and width (got {classCount} classes, [{string.Join(", ", sampleShape)}])");
        }
        _settings = settings;
        _classCount = classCount;
        _height = checked((int)sampleShape[^2]);
        _width = checked((int)sampleShape[^1]);
    }

    /// <summary>Draws the mix of batch <paramref name="batchIndex"/> of <paramref name="epoch"/> (timm's order of draws).</summary>
    public BatchMix Draw(int seed, int epoch, int batchIndex)
    {
        var random = new Random(EpochOrder.Mix(EpochOrder.Mix(seed, epoch, batchIndex), MixStream, -2));
        if (!_settings.IsEnabled || random.NextDouble() >= _settings.Probability)
        {
            return BatchMix.None;
        }
        var useCutmix = _settings.MixupAlpha > 0 && _settings.CutmixAlpha > 0
            ? random.NextDouble() < _settings.SwitchProbability
            : _settings.CutmixAlpha > 0;
        var lambda = BetaSampler.Symmetric(random, useCutmix ? _settings.CutmixAlpha : _settings.MixupAlpha);
        return useCutmix ? CutmixBox(random, lambda) : new BatchMix(lambda, false);
    }

    /// <summary>
    /// timm's rand_bbox: a box of (1 − λ) of the frame's area, its sides scaled by √(1 − λ), centred at a uniform point
    /// and clipped to the frame; λ is then corrected to the area actually pasted.
    /// </summary>
    private BatchMix CutmixBox(Random random, double lambda)
    {
        var ratio = Math.Sqrt(1 - lambda);
        var (cutHeight, cutWidth) = ((int)(_height * ratio), (int)(_width * ratio));
        var centreY = random.Next(0, _height);
        var centreX = random.Next(0, _width);
        var top = Math.Clamp(centreY - cutHeight / 2, 0, _height);
        var bottom = Math.Clamp(centreY + cutHeight / 2, 0, _height);
        var left = Math.Clamp(centreX - cutWidth / 2, 0, _width);
        var right = Math.Clamp(centreX + cutWidth / 2, 0, _width);
        var corrected = 1.0 - (double)(bottom - top) * (right - left) / ((double)_height * _width);
        return new BatchMix(corrected, true, top, bottom, left, right);
    }

    /// <summary>The batch mixed by its drawn mix, with soft targets (unmixed batches get one-hot targets).</summary>
    public ClipBatch Mix(ClipBatch batch, int seed, int epoch) => Apply(batch, Draw(seed, epoch, batch.BatchIndex));

    /// <summary>Sample i becomes λ·sample i + (1 − λ)·sample N−1−i (mixup) or gets the partner's box (CutMix); targets likewise.</summary>
    public ClipBatch Apply(ClipBatch batch, BatchMix mix)
    {
        var n = batch.Count;
        var stride = batch.SampleElements * batch.ViewsPerClip;
        var inputs = batch.Inputs;
        if (mix.IsMixed)
        {
            inputs = mix.UseCutmix ? PasteBoxes(batch.Inputs, n, stride, mix) : Blend(batch.Inputs, n, stride, (float)mix.Lambda, (float)(1 - mix.Lambda));
        }
        return batch with { Inputs = inputs, Targets = Targets(batch.Labels, mix) };
    }

    private static float[] Blend(float[] source, int n, int stride, float own, float partner)
    {
        var mixed = new float[source.Length];
        for (var i = 0; i < n; i++)
        {
            var a = source.AsSpan(i * stride, stride);
            var b = source.AsSpan((n - 1 - i) * stride, stride);
            var output = mixed.AsSpan(i * stride, stride);
            for (var k = 0; k < stride; k++)
            {
                output[k] = a[k] * own + b[k] * partner;
            }
        }
        return mixed;
    }

    private float[] PasteBoxes(float[] source, int n, int stride, BatchMix mix)
    {
        var mixed = (float[])source.Clone();
        var frame = _height * _width;
        var frames = stride / frame;
        var width = mix.Right - mix.Left;
        for (var i = 0; i < n; i++)
        {
            var partner = (n - 1 - i) * stride;
            for (var f = 0; f < frames; f++)
            {
                for (var y = mix.Top; y < mix.Bottom; y++)
                {
                    var offset = f * frame + y * _width + mix.Left;
                    source.AsSpan(partner + offset, width).CopyTo(mixed.AsSpan(i * stride + offset, width));
                }
            }
        }
        return mixed;
    }

    private float[] Targets(int[] labels, BatchMix mix)
    {
        var n = labels.Length;
        var targets = new float[n * _classCount];
        var own = (float)mix.Lambda;
        var partner = (float)(1 - mix.Lambda);
        for (var i = 0; i < n; i++)
        {
            // As timm: y1·λ + y2·(1 − λ) in float32.
            var row = targets.AsSpan(i * _classCount, _classCount);
            row[labels[i]] += own;
            row[labels[n - 1 - i]] += partner;
        }
        return targets;
    }

    /// <summary>Keeps the batch mixes' random stream apart from the clips' augmentation seeds.</summary>
    private const int MixStream = 0x6D6978;
}
