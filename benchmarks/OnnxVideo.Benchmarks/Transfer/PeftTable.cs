using System.Globalization;
using System.Text;

namespace OnnxVideo.Benchmarks.Transfer;

/// <summary>The PEFT experiment's results as a markdown table, one row per architecture and method.</summary>
internal static class PeftTable
{
    public static string Markdown(IReadOnlyList<PeftRun> runs)
    {
        var text = new StringBuilder();
        text.Append("| model | tuning | `--tune` | regularisation | trainable parameters | best validation top-1 (epoch) | last epoch | s/epoch | load |\n");
        text.Append("|---|---|---|---|---|---|---|---|---|\n");
        foreach (var run in runs)
        {
            var share = 100.0 * run.TrainableParameters / run.PackageParameters;
            text.Append(CultureInfo.InvariantCulture,
                $"| {run.Architecture} | {run.Method} | `{run.Tuning.Replace("|", "\\|", StringComparison.Ordinal)}` | {run.Regularisation} | {run.TrainableParameters:N0} ({share:0.##} %) | {run.BestTop1 * 100:0.0} % ({run.BestEpoch}) | {run.LastTop1 * 100:0.0} % | {run.SecondsPerEpoch:0.0} | {run.LoadAverage} |\n");
        }
        return text.ToString();
    }
}
