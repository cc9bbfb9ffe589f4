using System.Globalization;
using System.Net;
using System.Text;
using OnnxVideo.Training.Evaluation;

namespace OnnxVideo.Training.Reports;

/// <summary>The report's captioning part: BLEU-4, CIDEr-D, exact match, retrieval recall@K and sample captions.</summary>
internal static class CaptionReportSection
{
    public static void Append(StringBuilder html, CaptionScores captions)
    {
        static string F(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);
        static string P(double? value) => value is { } v ? (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %" : "";
        html.Append("<h2>Captions (best model, greedy, validation clips)</h2><table class=\"summary\">")
            .Append(Row("clips", captions.Count.ToString(CultureInfo.InvariantCulture)))
            .Append(Row("BLEU-4", F(captions.Bleu4)))
            .Append(Row("CIDEr-D", F(captions.CiderD)))
            .Append(Row("exact match", P(captions.ExactMatch)));
        if (captions.RecallAt1 is not null)
        {
            html.Append(Row("retrieval recall@1", P(captions.RecallAt1)))
                .Append(Row("retrieval recall@5", P(captions.RecallAt5)))
                .Append(Row("retrieval recall@10", P(captions.RecallAt10)));
        }
        html.Append("</table><table><tr><th>clip</th><th>generated</th><th>references</th></tr>");
        foreach (var sample in captions.Samples)
        {
            html.Append("<tr><td>").Append(E(Path.GetFileName(sample.Video))).Append("</td><td>").Append(E(sample.Caption))
                .Append("</td><td>").Append(string.Join("<br>", sample.References.Select(E))).Append("</td></tr>");
        }
        html.Append("</table>");
    }

    private static string Row(string name, string value) => $"<tr><td>{E(name)}</td><td>{E(value)}</td></tr>";

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
