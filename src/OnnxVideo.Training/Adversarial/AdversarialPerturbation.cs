using OnnxVideo.Media;

namespace OnnxVideo.Training.Adversarial;

/// <summary>
/// FGSM and PGD in the model's normalised input space. A pixel step of ε (0–255 units) is ε / 255 / std[c] in channel
/// c, and every value stays within what a real pixel can normalise to, [(0 − mean[c]) / std[c], (1 − mean[c]) / std[c]].
/// PGD starts from the clean clip (no random start), so both attacks are deterministic.
/// </summary>
public static class AdversarialPerturbation
{
    /// <summary>The adversarial version of <paramref name="clean"/> (count × sample values, laid out as the contract says).</summary>
    public static float[] Perturb(float[] clean, int[] labels, AttackSpec attack, PreprocessingContract contract, InputGradientFunction gradient)
    {
        ArgumentNullException.ThrowIfNull(clean);
        ArgumentNullException.ThrowIfNull(attack);
        var channels = new ChannelMap(contract, clean.Length / Math.Max(1, labels.Length));
        var adversarial = (float[])clean.Clone();
        var g = new float[clean.Length];
        var steps = attack.Kind == AttackKind.Fgsm ? 1 : attack.Steps;
        var step = attack.Kind == AttackKind.Fgsm ? attack.Epsilon : attack.Alpha;
        for (var k = 0; k < steps; k++)
        {
            gradient(adversarial, labels, g);
            for (var i = 0; i < adversarial.Length; i++)
            {
                var c = channels.ChannelOf(i);
                var radius = attack.Epsilon / 255f / contract.Std[c];
                var moved = adversarial[i] + step / 255f / contract.Std[c] * MathF.Sign(g[i]);
                moved = Math.Clamp(moved, clean[i] - radius, clean[i] + radius);
                adversarial[i] = Math.Clamp(moved, channels.Low[c], channels.High[c]);
            }
        }
        return adversarial;
    }

    /// <summary>Channel of each value of a sample, and the normalised range of a real pixel per channel.</summary>
    private sealed class ChannelMap
    {
        private readonly int _sampleElements;
        private readonly int _channelStride;

        public ChannelMap(PreprocessingContract contract, int sampleElements)
        {
            var pixels = contract.CropSize * contract.CropSize;
            if (sampleElements != 3 * contract.Frames * pixels)
            {
                throw new ArgumentException($"a sample has {sampleElements} values, the contract {3 * contract.Frames * pixels}");
            }
            _sampleElements = sampleElements;
            _channelStride = contract.Layout == TensorLayout.NCTHW ? contract.Frames * pixels : pixels;
            Low = [.. Enumerable.Range(0, 3).Select(c => (0 - contract.Mean[c]) / contract.Std[c])];
            High = [.. Enumerable.Range(0, 3).Select(c => (1 - contract.Mean[c]) / contract.Std[c])];
        }

        public float[] Low { get; }
        public float[] High { get; }

        public int ChannelOf(int index) => index % _sampleElements / _channelStride % 3;
    }
}
