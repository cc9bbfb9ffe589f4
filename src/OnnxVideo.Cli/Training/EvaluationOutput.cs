using System.Globalization;
using OnnxVideo.CommandLine;
using OnnxVideo.Training.Metrics;
using Spectre.Console;

namespace OnnxVideo.Cli.Training;

/// <summary>Prints a <see cref="ClassificationReport"/> as a table (per-class scores and the confusion matrix when small).</summary>
internal static class EvaluationOutput
{
    public static void Print(IAnsiConsole console, string title, ClassificationReport report)
    {
        static string Pct(double v) => (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %";
        console.MarkupLine($"[bold]{Markup.Escape(TerminalText.Escape(title))}[/]: {report.Count} clips, top-1 [green]{Pct(report.Top1)}[/], top-5 {Pct(report.Top5)}, " +
                           $"mean class accuracy {Pct(report.MeanClassAccuracy)}, loss {report.Loss.ToString("0.####", CultureInfo.InvariantCulture)}");
        var table = new Table().AddColumns("class", "precision", "recall", "F1", "clips");
        foreach (var c in report.PerClass)
        {
            table.AddRow(Markup.Escape(TerminalText.Escape(c.Name)), Pct(c.Precision), Pct(c.Recall), Pct(c.F1), c.Support.ToString(CultureInfo.InvariantCulture));
        }
        console.Write(table);
        var k = report.PerClass.Count;
        if (k <= 12)
        {
            var confusion = new Table().Title("confusion (rows: true, columns: predicted)").AddColumn("");
            for (var c = 0; c < k; c++)
            {
                confusion.AddColumn(Markup.Escape(TerminalText.Escape(report.PerClass[c].Name)));
            }
            for (var r = 0; r < k; r++)
            {
                confusion.AddRow([Markup.Escape(TerminalText.Escape(report.PerClass[r].Name)), .. report.Confusion[r].Select(v => v.ToString(CultureInfo.InvariantCulture))]);
            }
            console.Write(confusion);
        }
    }
}
