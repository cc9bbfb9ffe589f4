using System.Globalization;
using OnnxVideo.Training.Loading;

namespace OnnxVideo.Benchmarks.Transfer;

/// <summary>
/// One row of the PEFT table: a <c>--tune</c> spec (<c>last</c> is the architecture's last-block pattern), its learning
/// rate, and the regularisers of the full-tuning variants (drop path when the model is built, mixup/CutMix and EMA
/// when it trains).
/// </summary>
internal sealed record PeftMethod(string Name, string Tuning, double LearningRate, float DropPath = 0, MixSettings? Mix = null, double? EmaDecay = null)
{
    /// <summary>The regularisers on top of the package's defaults, as the table's column says them.</summary>
    public string Regularisation
    {
        get
        {
            var parts = new List<string>();
            if (DropPath > 0)
            {
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"drop path {DropPath}"));
            }
            if (Mix is { } mix)
            {
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"mixup {mix.MixupAlpha} / CutMix {mix.CutmixAlpha}"));
            }
            if (EmaDecay is { } decay)
            {
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"EMA {decay}"));
            }
            return parts.Count == 0 ? "–" : string.Join(" + ", parts);
        }
    }
}
