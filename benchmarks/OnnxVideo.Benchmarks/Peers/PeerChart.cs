using System.Globalization;
using System.Net;
using System.Text;

namespace OnnxVideo.Benchmarks.Peers;

/// <summary>The peer table as markdown and as an SVG bar chart of ours ÷ peer on a log scale (1 = parity).</summary>
public static class PeerChart
{
    private static string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);

    public static string Markdown(string title, IReadOnlyList<PeerRow> rows)
    {
        var text = new StringBuilder();
        text.Append("# ").Append(title).Append("\n\n");
        text.Append("| task | peer | ours (s) | peer (s) | ours ÷ peer | peak RSS ours | peak RSS peer | faster | note |\n|---|---|---:|---:|---:|---:|---:|---|---|\n");
        foreach (var r in rows)
        {
            text.Append($"| {r.Task} | {r.Peer} | {Seconds(r.OursSeconds)} | {Seconds(r.PeerSeconds)} | {(r.Ratio is { } q ? F(q, "0.00") : "n/a")} | {Bytes(r.OursPeakBytes)} | {Bytes(r.PeerPeakBytes)} | {r.Faster} | {r.Note} |\n");
        }
        return text.ToString();
    }

    /// <summary>A peak resident size in MiB, or a dash where not measured.</summary>
    public static string Bytes(long? bytes) => bytes is { } b ? F(b / 1048576.0, "0") + " MiB" : "–";

    public static string Seconds(double? s) => s switch
    {
        null => "n/a",
        < 0.00001 => F(s.Value * 1e6, "0.00") + " µs",
        < 0.001 => F(s.Value * 1e6, "0.0") + " µs",
        < 1 => F(s.Value * 1e3, "0.0") + " ms",
        _ => F(s.Value, "0.00") + " s",
    };

    public static string Svg(string title, IReadOnlyList<PeerRow> rows)
    {
        const int labelWidth = 440, plotWidth = 420, rowHeight = 30, top = 50;
        var measured = rows.Where(r => r.Ratio is not null).ToList();
        // Log scale symmetric around parity, wide enough for every ratio.
        var extent = Math.Max(1, Math.Ceiling(measured.Select(r => Math.Abs(Math.Log10(r.Ratio!.Value))).DefaultIfEmpty(1).Max() * 2) / 2);
        double X(double ratio) => labelWidth + plotWidth / 2.0 * (1 + Math.Clamp(Math.Log10(ratio), -extent, extent) / extent);
        var height = top + rowHeight * rows.Count + 50;
        var svg = new StringBuilder();
        svg.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{labelWidth + plotWidth + 90}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"12\">");
        svg.Append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>");
        svg.Append($"<text x=\"10\" y=\"22\" font-size=\"15\" font-weight=\"bold\">{WebUtility.HtmlEncode(title)}</text>");
        svg.Append($"<text x=\"10\" y=\"40\" fill=\"#555\">ours ÷ peer (time, log scale): left of 1 = ours faster (green), right = peer faster (red)</text>");
        for (var i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            var y = top + i * rowHeight;
            svg.Append($"<text x=\"10\" y=\"{y + 19}\">{WebUtility.HtmlEncode($"{r.Task} vs {r.Peer}")}</text>");
            if (r.Ratio is not { } ratio)
            {
                svg.Append($"<text x=\"{labelWidth + 5}\" y=\"{y + 19}\" fill=\"#999\">n/a</text>");
                continue;
            }
            var (x0, x1) = (X(1), X(ratio));
            var colour = ratio < 1 ? "#2ca02c" : "#d62728";
            svg.Append($"<rect x=\"{F(Math.Min(x0, x1), "0.0")}\" y=\"{y + 6}\" width=\"{F(Math.Max(1, Math.Abs(x1 - x0)), "0.0")}\" height=\"18\" fill=\"{colour}\"/>");
            svg.Append($"<text x=\"{F(Math.Max(x0, x1) + 4, "0.0")}\" y=\"{y + 19}\">{F(ratio, "0.00")}×</text>");
        }
        var axis = top + rowHeight * rows.Count + 5;
        svg.Append($"<line x1=\"{F(X(1), "0.0")}\" y1=\"{top}\" x2=\"{F(X(1), "0.0")}\" y2=\"{axis}\" stroke=\"#333\"/>");
        foreach (var tick in new[] { -extent, -extent / 2, 0, extent / 2, extent })
        {
            var ratio = Math.Pow(10, tick);
            svg.Append($"<text x=\"{F(X(ratio), "0.0")}\" y=\"{axis + 16}\" text-anchor=\"middle\" fill=\"#555\">{F(ratio, "0.###")}</text>");
        }
        svg.Append("</svg>\n");
        return svg.ToString();
    }
}
