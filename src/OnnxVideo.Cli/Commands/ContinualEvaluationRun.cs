using System.Globalization;
using OnnxVideo.CommandLine;
using OnnxVideo.Runtime;
using OnnxVideo.Training.Continual;
using OnnxVideo.Training.Data;

namespace OnnxVideo.Cli.Commands;

/// <summary><c>evaluate --tasks</c>: per-task accuracy of a class-incremental model, old against new, and forgetting against a history file.</summary>
internal static class ContinualEvaluationRun
{
    public static async Task<int> RunAsync(string modelPath, string dataPath, string? classMap, string tasksPath, string? historyPath,
        VideoClassifierOptions options, bool asJson, CancellationToken ct)
    {
        var tasks = ContinualTasks.Read(tasksPath);
        var data = DatasetReader.Read(dataPath, new DatasetOptions { ClassMapPath = classMap });
        await using var classifier = FlagValues.Check(() => new VideoClassifier(options));
        var report = await ContinualEvaluation.RunAsync(classifier, data, tasks, historyPath, Path.GetFullPath(modelPath), ct);
        EvaluationRunOutput.Write(report, [], asJson, () => Text(report));
        if (report.FailedClips > 0)
        {
            Console.Error.WriteLine($"{report.FailedClips} clip(s) could not be decoded and were left out");
        }
        return ExitCodes.Ok;
    }

    private static string Text(ContinualReport report)
    {
        static string Pct(double? v) => v is { } x ? (x * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %" : "–";
        var lines = report.Tasks.Select(t => $"{t.Name,-12} {t.Role,-7} {t.Clips,5} clips  top-1 {Pct(t.Accuracy),8}"
            + (t.Role == "old" ? $"  before {Pct(t.Before)}  best {Pct(t.Best)}  forgetting {Pct(t.Forgetting)}" : ""));
        var summary = $"old classes {Pct(report.OldAccuracy)}, new classes {Pct(report.NewAccuracy)}, average forgetting {Pct(report.AverageForgetting)}"
            + $" (evaluation {report.Evaluations} of the history)";
        return string.Join(Environment.NewLine, [.. lines, summary]);
    }
}
