using System.Text.Json;
using OnnxVideo.CommandLine;
using OnnxVideo.Training.Loading;
using OnnxVideo.Training.Metrics;

namespace OnnxVideo.Cli.Commands;

/// <summary>How the evaluate variants (episodes, attacks) report: skipped clips on stderr, then the result as JSON or one text line.</summary>
internal static class EvaluationRunOutput
{
    public static void Write<T>(T result, IEnumerable<ClipFailure> failures, bool asJson, Func<string> textLine)
    {
        foreach (var failure in failures)
        {
            Console.Error.WriteLine($"skipped {TerminalText.Escape(failure.Path)}: {TerminalText.Escape(failure.Reason)}");
        }
        Console.WriteLine(asJson ? JsonSerializer.Serialize(result, MetricsLog.JsonOptions) : textLine());
    }
}
