using OnnxVideo.Training.Loading;

namespace OnnxVideo.Training.Tests.Loading;

/// <summary>Mixup and CutMix batches checked element by element and their draws checked against Beta(α, α) and the probabilities.</summary>
public sealed class BatchMixerTests
{
    private const int Classes = 5;
    private static readonly long[] SampleShape = [3, 4, 6, 8];
    private const int SampleElements = 3 * 4 * 6 * 8;

    private static ClipBatch Batch(int[] labels, int seed = 1)
    {
        var random = new Random(seed);
        var inputs = Enumerable.Range(0, labels.Length * SampleElements).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        return new ClipBatch(inputs, labels, Enumerable.Range(0, labels.Length).ToArray(), 1, SampleElements) { BatchIndex = 3 };
    }

    private static BatchMixer Mixer(MixSettings settings) => new(settings, Classes, SampleShape);

    [Fact]
    public void MixupBlendsEachClipWithItsReverseAndMixesTheLabelsByLambda()
    {
        int[] labels = [0, 4, 2, 0, 1];
        var batch = Batch(labels);
        var mixed = Mixer(new MixSettings { MixupAlpha = 0.4 }).Apply(batch, new BatchMix(0.7, false));

        for (var i = 0; i < labels.Length; i++)
        {
            var partner = labels.Length - 1 - i;
            for (var k = 0; k < SampleElements; k++)
            {
                var expected = 0.7 * batch.Inputs[i * SampleElements + k] + 0.3 * batch.Inputs[partner * SampleElements + k];
                Assert.Equal(expected, mixed.Inputs[i * SampleElements + k], 1e-6);
            }
            for (var c = 0; c < Classes; c++)
            {
                var expected = (labels[i] == c ? 0.7 : 0) + (labels[partner] == c ? 0.3 : 0);
                Assert.Equal(expected, mixed.Targets![i * Classes + c], 1e-6);
            }
        }
        // The middle clip of an odd batch is its own partner: it keeps its clip and its label.
        Assert.Equal([0f, 0, 1, 0, 0], mixed.Targets!.AsSpan(2 * Classes, Classes).ToArray(), new ToleranceComparer(1e-7f, 0));
        Assert.Equal(labels, mixed.Labels);
        Assert.NotSame(batch.Inputs, mixed.Inputs);
    }

    [Fact]
    public void CutmixPastesThePartnersBoxIntoEveryFrameAndChannel()
    {
        int[] labels = [1, 3, 3, 2];
        var batch = Batch(labels, seed: 2);
        var mix = new BatchMix(1 - 3.0 * 5 / 48, true, Top: 2, Bottom: 5, Left: 1, Right: 6);
        var mixed = Mixer(new MixSettings { CutmixAlpha = 1 }).Apply(batch, mix);

        var (height, width) = ((int)SampleShape[2], (int)SampleShape[3]);
        var planes = SampleElements / (height * width);
        for (var i = 0; i < labels.Length; i++)
        {
            var partner = labels.Length - 1 - i;
            for (var plane = 0; plane < planes; plane++)
            {
                for (var y = 0; y < height; y++)
                {
                    for (var x = 0; x < width; x++)
                    {
                        var offset = plane * height * width + y * width + x;
                        var inBox = y is >= 2 and < 5 && x is >= 1 and < 6;
                        var from = inBox ? partner : i;
                        Assert.Equal(batch.Inputs[from * SampleElements + offset], mixed.Inputs[i * SampleElements + offset]);
                    }
                }
            }
        }
        // λ is the share of each clip's own pixels: 1 − 3·5 / (6·8).
        var lambda = 1 - 15.0 / 48;
        Assert.Equal(lambda, mix.Lambda, 12);
        float[] first = [0, (float)lambda, (float)(1 - lambda), 0, 0];
        Assert.Equal(first, mixed.Targets!.AsSpan(0, Classes).ToArray(), new ToleranceComparer(1e-7f, 0));
        // Clips 1 and 2 share their label: the mixed target is still one-hot.
        Assert.Equal([0f, 0, 0, 1, 0], mixed.Targets!.AsSpan(1 * Classes, Classes).ToArray(), new ToleranceComparer(1e-7f, 0));
    }

    [Fact]
    public void AnUnmixedBatchKeepsItsClipsAndGetsOneHotTargets()
    {
        int[] labels = [4, 0];
        var batch = Batch(labels);
        var mixed = Mixer(new MixSettings { MixupAlpha = 1 }).Apply(batch, BatchMix.None);
        Assert.Equal(batch.Inputs, mixed.Inputs);
        Assert.Equal([0f, 0, 0, 0, 1, 1, 0, 0, 0, 0], mixed.Targets!);
    }

    [Fact]
    public void CutmixBoxesLieInTheFrameAndLambdaIsTheirAreaShare()
    {
        var mixer = Mixer(new MixSettings { CutmixAlpha = 1.0 });
        var sizes = new HashSet<(int, int)>();
        for (var b = 0; b < 500; b++)
        {
            var mix = mixer.Draw(seed: 9, epoch: 0, batchIndex: b);
            Assert.True(mix.UseCutmix);
            Assert.InRange(mix.Top, 0, mix.Bottom);
            Assert.InRange(mix.Bottom, mix.Top, 6);
            Assert.InRange(mix.Left, 0, mix.Right);
            Assert.InRange(mix.Right, mix.Left, 8);
            Assert.Equal(1 - (mix.Bottom - mix.Top) * (mix.Right - mix.Left) / 48.0, mix.Lambda, 12);
            sizes.Add((mix.Bottom - mix.Top, mix.Right - mix.Left));
        }
        Assert.True(sizes.Count > 5, $"only {sizes.Count} box sizes in 500 draws");
    }

    [Theory]
    [InlineData(0.4)]
    [InlineData(2.0)]
    public void MixupLambdasFollowBetaAlphaAlpha(double alpha)
    {
        var mixer = Mixer(new MixSettings { MixupAlpha = alpha });
        var lambdas = Enumerable.Range(0, 4000).Select(b => mixer.Draw(seed: 4, epoch: 1, batchIndex: b)).ToList();
        Assert.All(lambdas, m => Assert.False(m.UseCutmix));
        var values = lambdas.Select(m => m.Lambda).ToArray();
        Assert.All(values, v => Assert.InRange(v, 0.0, 1.0));
        var mean = values.Average();
        var variance = values.Select(v => (v - mean) * (v - mean)).Average();
        // Beta(α, α): mean 1/2, variance 1 / (4(2α + 1)).
        Assert.InRange(mean, 0.48, 0.52);
        var expectedVariance = 1 / (4 * (2 * alpha + 1));
        Assert.InRange(variance, expectedVariance * 0.9, expectedVariance * 1.1);
    }

    [Fact]
    public void MixAndSwitchProbabilitiesDecideWhichBatchesAreMixedAndHow()
    {
        var mixer = Mixer(new MixSettings { MixupAlpha = 0.8, CutmixAlpha = 1.0, Probability = 0.6, SwitchProbability = 0.25 });
        var draws = Enumerable.Range(0, 4000).Select(b => mixer.Draw(seed: 2, epoch: 3, batchIndex: b)).ToList();
        var mixed = draws.Where(d => !ReferenceEquals(d, BatchMix.None)).ToList();
        Assert.InRange(mixed.Count / 4000.0, 0.57, 0.63);
        Assert.InRange(mixed.Count(d => d.UseCutmix) / (double)mixed.Count, 0.22, 0.28);
    }

    [Fact]
    public void ABatchsMixDependsOnlyOnSeedEpochAndIndex()
    {
        var settings = new MixSettings { MixupAlpha = 0.8, CutmixAlpha = 1.0 };
        var first = Enumerable.Range(0, 20).Select(b => Mixer(settings).Draw(7, 2, b)).ToList();
        var again = Enumerable.Range(0, 20).Select(b => Mixer(settings).Draw(7, 2, b)).ToList();
        Assert.Equal(first, again);
        Assert.NotEqual(first, Enumerable.Range(0, 20).Select(b => Mixer(settings).Draw(8, 2, b)).ToList());
        Assert.NotEqual(first, Enumerable.Range(0, 20).Select(b => Mixer(settings).Draw(7, 3, b)).ToList());
        var mixupOnly = Mixer(new MixSettings { MixupAlpha = 0.8 });
        Assert.Equal(20, Enumerable.Range(0, 20).Select(b => mixupOnly.Draw(7, 2, b).Lambda).Distinct().Count());
    }

    [Theory]
    [InlineData(-0.1, 0, 1, 0.5, "mixup alpha")]
    [InlineData(double.NaN, 0, 1, 0.5, "mixup alpha")]
    [InlineData(0, double.PositiveInfinity, 1, 0.5, "cutmix alpha")]
    [InlineData(0, -1, 1, 0.5, "cutmix alpha")]
    [InlineData(0.8, 0, 1.5, 0.5, "mix probability")]
    [InlineData(0.8, 0, double.NaN, 0.5, "mix probability")]
    [InlineData(0.8, 1, 1, -0.01, "mix switch probability")]
    public void BadSettingsAreRefusedNamingTheSetting(double mixup, double cutmix, double probability, double switchProbability, string named)
    {
        var settings = new MixSettings { MixupAlpha = mixup, CutmixAlpha = cutmix, Probability = probability, SwitchProbability = switchProbability };
        var error = Assert.Throws<ArgumentException>(settings.Validate);
        Assert.Contains(named, error.Message);
        Assert.Throws<ArgumentException>(() => new TrainerOptions { Mix = settings }.Validate());
    }
}
