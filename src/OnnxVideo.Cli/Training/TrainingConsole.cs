using System.Globalization;
using OnnxVideo.Training;
using OnnxVideo.Training.Metrics;
using Spectre.Console;

namespace OnnxVideo.Cli.Training;

/// <summary>Formats trainer progress: a live Spectre.Console bar on a terminal, one plain line per epoch otherwise.</summary>
internal static class TrainingConsole
{
    private static string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);

    public static string Describe(TrainingProgress p)
    {
        if (p.Phase == "validate")
        {
            return $"epoch {p.Epoch}/{p.Epochs} validating";
        }
        var eta = p.Eta is { } e ? $" ETA {e:hh\\:mm\\:ss}" : "";
        var skipped = p.SkippedSteps > 0 ? $" skipped {p.SkippedSteps}" : "";
        return $"epoch {p.Epoch}/{p.Epochs} step {p.Step}/{p.TotalSteps} loss {F(p.Loss, "0.0000")} lr {F(p.LearningRate, "0.###e0")} " +
               $"{F(p.ClipsPerSecond, "0.0")} clips/s{eta}{skipped}";
    }

    public static string EpochLine(EpochMetrics e)
    {
        var validation = e.ValidationTop1 is { } top1
            ? $" val loss {F(e.ValidationLoss ?? double.NaN, "0.0000")} val top-1 {F(top1 * 100, "0.0")} % top-5 {F((e.ValidationTop5 ?? 0) * 100, "0.0")} %"
            : "";
        var skipped = e.SkippedSteps > 0 ? $" skipped steps {e.SkippedSteps}" : "";
        return $"epoch {e.Epoch}: step {e.Step} train loss {F(e.TrainLoss, "0.0000")} train top-1 {F(e.TrainTop1 * 100, "0.0")} %{validation} " +
               $"lr {F(e.LearningRate, "0.###e0")} {F(e.ClipsPerSecond, "0.0")} clips/s {F(e.Seconds, "0.0")} s{skipped}";
    }

    /// <summary>Runs <paramref name="run"/> under a live progress bar fed by the trainer's reports.</summary>
    public static Task<TrainingSummary> RunWithProgressBarAsync(IAnsiConsole console,
        Func<IProgress<TrainingProgress>, Action<EpochMetrics>, Task<TrainingSummary>> run) =>
        console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask("starting", maxValue: 1);
                var progress = new ImmediateProgress(p =>
                {
                    task.Description = Markup.Escape(Describe(p));
                    if (p.Phase == "train" && p.BatchesPerEpoch > 0)
                    {
                        task.MaxValue = p.BatchesPerEpoch;
                        task.Value = p.Batch;
                    }
                });
                return await run(progress, e => console.MarkupLine(Markup.Escape(EpochLine(e))));
            });

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; would post to the thread pool and reorder lines).</summary>
    public sealed class ImmediateProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
