using System.Globalization;

namespace OnnxVideo.Training.Loading;

/// <summary>
/// Mixup and CutMix of training batches, as timm's Mixup (mode "batch"): with probability <see cref="Probability"/> a
/// batch is mixed with its own reverse; when both alphas are set, CutMix is chosen with probability
/// <see cref="SwitchProbability"/>, else mixup; λ ~ Beta(α, α). Mixup blends whole clips, CutMix pastes one box in
/// height × width through all frames (λ corrected to the box's area); the soft targets mix the labels by λ.
/// </summary>
public sealed record MixSettings
{
    /// <summary>Mixup's Beta(α, α) parameter; 0 = no mixup.</summary>
    public double MixupAlpha { get; init; }
    /// <summary>CutMix's Beta(α, α) parameter; 0 = no CutMix.</summary>
    public double CutmixAlpha { get; init; }
    /// <summary>Share of batches that are mixed at all.</summary>
    public double Probability { get; init; } = 1.0;
    /// <summary>With both alphas set: share of mixed batches that use CutMix rather than mixup.</summary>
    public double SwitchProbability { get; init; } = 0.5;

    /// <summary>Whether any batch can be mixed.</summary>
    public bool IsEnabled => (MixupAlpha > 0 || CutmixAlpha > 0) && Probability > 0;

    /// <summary>Throws <see cref="ArgumentException"/> naming the setting for an alpha below 0 or a probability outside [0, 1] (NaN included).</summary>
    public void Validate()
    {
        static void Require(bool ok, string what, double value)
        {
            if (!ok)
            {
                throw new ArgumentException($"invalid mix setting: {what} (got {value.ToString(CultureInfo.InvariantCulture)})");
            }
        }
        Require(MixupAlpha >= 0 && double.IsFinite(MixupAlpha), "mixup alpha must be a finite number >= 0", MixupAlpha);
        Require(CutmixAlpha >= 0 && double.IsFinite(CutmixAlpha), "cutmix alpha must be a finite number >= 0", CutmixAlpha);
        Require(Probability is >= 0 and <= 1, "mix probability must be in [0, 1]", Probability);
        Require(SwitchProbability is >= 0 and <= 1, "mix switch probability must be in [0, 1]", SwitchProbability);
    }
}
