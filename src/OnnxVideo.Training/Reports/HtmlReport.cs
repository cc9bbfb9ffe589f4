using System.Globalization;
using System.Net;
using System.Text;
using OnnxVideo.Onnx;
using OnnxVideo.Training.Evaluation;
using OnnxVideo.Training.Metrics;

namespace OnnxVideo.Training.Reports;

/// <summary>A single self-contained HTML page: loss and accuracy curves, confusion matrix and per-class scores.</summary>
internal static class HtmlReport
{
    public static void Write(string path, string title, IReadOnlyList<EpochMetrics> epochs, ClassificationReport? evaluation,
        IReadOnlyList<string> classes, CaptionScores? captions = null)
    {
        AtomicFile.WriteAllBytes(path, Encoding.UTF8.GetBytes(Render(title, epochs, evaluation, classes, captions)));
    }

    /// <param name="captions">Captioners: caption metrics and sample captions of the best model.</param>
    public static string Render(string title, IReadOnlyList<EpochMetrics> epochs, ClassificationReport? evaluation,
        IReadOnlyList<string> classes, CaptionScores? captions = null)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
            .Append(E(title))
            .Append("</title><style>body{font-family:system-ui,sans-serif;margin:24px;color:#222}" +
                    "h1{font-size:22px}h2{font-size:17px;margin-top:28px}" +
                    ".charts{display:flex;flex-wrap:wrap;gap:16px}" +
                    "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}" +
                    "th{background:#f0f0f0}td:first-child,th:first-child{text-align:left}.summary td{text-align:left}</style></head><body>");
        html.Append("<h1>").Append(E(title)).Append("</h1>");
        if (evaluation is not null)
        {
            html.Append("<table class=\"summary\">")
                .Append(Row("clips", evaluation.Count.ToString(CultureInfo.InvariantCulture)))
                .Append(Row("top-1", Pct(evaluation.Top1)))
                .Append(Row("top-5", Pct(evaluation.Top5)))
                .Append(Row("mean class accuracy", Pct(evaluation.MeanClassAccuracy)))
                .Append(Row("loss", evaluation.Loss.ToString("0.####", CultureInfo.InvariantCulture)))
                .Append("</table>");
        }
        if (captions is not null)
        {
            CaptionReportSection.Append(html, captions);
        }
        if (epochs.Count > 0)
        {
            html.Append("<h2>Training curves</h2><div class=\"charts\">");
            html.Append(SvgCharts.LineChart("Loss", "epoch",
            [
                new ChartSeries("train", "#1f77b4", epochs.Select(e => ((double)e.Epoch, e.TrainLoss)).ToList()),
                new ChartSeries("validation", "#d62728", epochs.Where(e => e.ValidationLoss is not null)
                    .Select(e => ((double)e.Epoch, e.ValidationLoss!.Value)).ToList()),
            ], yMin: 0, wholeNumberX: true));
            html.Append(SvgCharts.LineChart("Accuracy", "epoch",
            [
                new ChartSeries("train top-1", "#1f77b4", epochs.Select(e => ((double)e.Epoch, e.TrainTop1)).ToList()),
                new ChartSeries("val top-1", "#d62728", epochs.Where(e => e.ValidationTop1 is not null)
                    .Select(e => ((double)e.Epoch, e.ValidationTop1!.Value)).ToList()),
                new ChartSeries("val top-5", "#2ca02c", epochs.Where(e => e.ValidationTop5 is not null)
                    .Select(e => ((double)e.Epoch, e.ValidationTop5!.Value)).ToList()),
                new ChartSeries("val token accuracy", "#ff7f0e", epochs.Where(e => e.ValidationTokenAccuracy is not null)
                    .Select(e => ((double)e.Epoch, e.ValidationTokenAccuracy!.Value)).ToList()),
            ], yMin: 0, yMax: 1, wholeNumberX: true));
            html.Append(SvgCharts.LineChart("Learning rate", "epoch",
            [
                new ChartSeries("lr", "#9467bd", epochs.Select(e => ((double)e.Epoch, e.LearningRate)).ToList()),
            ], yMin: 0, wholeNumberX: true));
            html.Append("</div>");
        }
        if (evaluation is not null)
        {
            html.Append("<h2>Confusion matrix</h2><p>rows: true class, columns: predicted class</p>")
                .Append(SvgCharts.ConfusionHeatMap(classes, evaluation.Confusion));
            html.Append("<h2>Per class</h2><table><tr><th>class</th><th>precision</th><th>recall</th><th>F1</th><th>clips</th></tr>");
            foreach (var c in evaluation.PerClass)
            {
                html.Append("<tr><td>").Append(E(c.Name)).Append("</td><td>").Append(Pct(c.Precision))
                    .Append("</td><td>").Append(Pct(c.Recall)).Append("</td><td>").Append(Pct(c.F1))
                    .Append("</td><td>").Append(c.Support.ToString(CultureInfo.InvariantCulture)).Append("</td></tr>");
            }
            html.Append("</table>");
        }
        if (epochs.Count > 0)
        {
            html.Append("<h2>Epochs</h2><table><tr><th>epoch</th><th>step</th><th>train loss</th><th>train top-1</th>" +
                        "<th>val loss</th><th>val top-1</th><th>val top-5</th><th>val token acc</th><th>lr</th><th>skipped</th><th>s</th></tr>");
            foreach (var e in epochs)
            {
                html.Append("<tr><td>").Append(e.Epoch).Append("</td><td>").Append(e.Step)
                    .Append("</td><td>").Append(Num(e.TrainLoss)).Append("</td><td>").Append(Pct(e.TrainTop1))
                    .Append("</td><td>").Append(e.ValidationLoss is { } vl ? Num(vl) : "")
                    .Append("</td><td>").Append(e.ValidationTop1 is { } v1 ? Pct(v1) : "")
                    .Append("</td><td>").Append(e.ValidationTop5 is { } v5 ? Pct(v5) : "")
                    .Append("</td><td>").Append(e.ValidationTokenAccuracy is { } vt ? Pct(vt) : "")
                    .Append("</td><td>").Append(e.LearningRate.ToString("0.######", CultureInfo.InvariantCulture))
                    .Append("</td><td>").Append(e.SkippedSteps).Append("</td><td>").Append(e.Seconds.ToString("0.0", CultureInfo.InvariantCulture))
                    .Append("</td></tr>");
            }
            html.Append("</table>");
        }
        html.Append("</body></html>\n");
        return html.ToString();
    }

    private static string Row(string name, string value) => $"<tr><td>{E(name)}</td><td>{E(value)}</td></tr>";
    private static string Pct(double value) => (value * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %";
    private static string Num(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
    private static string E(string text) => WebUtility.HtmlEncode(text);
}
