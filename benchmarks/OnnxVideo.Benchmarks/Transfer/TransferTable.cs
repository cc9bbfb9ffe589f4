using System.Globalization;
using System.Text;

namespace OnnxVideo.Benchmarks.Transfer;

/// <summary>The experiment's results as a markdown table: one row per architecture, mode and initialisation; one
/// column per label budget, each cell "top-1 % (seconds)".</summary>
internal static class TransferTable
{
    public static string Markdown(IReadOnlyList<TransferRun> runs, TransferSettings settings)
    {
        var text = new StringBuilder();
        text.Append("| model | tuning | init |");
        foreach (var n in settings.PerClass)
        {
            text.Append(CultureInfo.InvariantCulture, $" {n} clips/class |");
        }
        text.Append("\n|---|---|---|").Append(string.Concat(settings.PerClass.Select(_ => "---|"))).Append('\n');
        foreach (var group in runs.GroupBy(r => (r.Architecture, r.Mode, r.Init)))
        {
            text.Append(CultureInfo.InvariantCulture, $"| {group.Key.Architecture} | {group.Key.Mode} | {group.Key.Init} |");
            foreach (var n in settings.PerClass)
            {
                var run = group.FirstOrDefault(r => r.ClipsPerClass == n);
                text.Append(run is null ? " – |" : string.Create(CultureInfo.InvariantCulture, $" {run.Top1 * 100:0.0} % ({run.Seconds:0} s) |"));
            }
            text.Append('\n');
        }
        return text.ToString();
    }
}
