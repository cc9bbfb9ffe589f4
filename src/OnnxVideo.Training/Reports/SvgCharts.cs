using System.Globalization;
using System.Net;
using System.Text;

namespace OnnxVideo.Training.Reports;

/// <summary>Self-contained SVG line charts and heat maps for the HTML report (no scripts, no external assets).</summary>
internal static class SvgCharts
{
    private const int Width = 560;
    private const int Height = 320;
    private const int Left = 56;
    private const int Right = 130;
    private const int Top = 28;
    private const int Bottom = 44;

    private static string F(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    // Learning rates live around 1e-4: small magnitudes get an exponent instead of rounding to "0".
    private static string Label(double value) =>
        value == 0 ? "0"
        : Math.Abs(value) < 0.01 ? value.ToString("0.##e+0", CultureInfo.InvariantCulture)
        : Math.Abs(value) >= 100 || value == Math.Floor(value) ? value.ToString("0", CultureInfo.InvariantCulture)
        : value.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>About five ticks from <paramref name="x0"/> to <paramref name="x1"/>; whole numbers only where asked (epochs).</summary>
    private static IEnumerable<double> XTicks(double x0, double x1, bool wholeNumbers)
    {
        if (!wholeNumbers)
        {
            return Enumerable.Range(0, 5).Select(i => x0 + (x1 - x0) * i / 4.0);
        }

        var step = Math.Max(1, Math.Ceiling((x1 - x0) / 4));
        var first = Math.Ceiling(x0);
        return Enumerable.Range(0, (int)Math.Floor((x1 - first) / step) + 1).Select(i => first + i * step);
    }

    public static string LineChart(string title, string xLabel, IReadOnlyList<ChartSeries> series, double? yMin = null, double? yMax = null,
        bool wholeNumberX = false)
    {
        var points = series.SelectMany(s => s.Points).Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList();
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-label=\"{Encode(title)}\">");
        svg.Append("<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width / 2}\" y=\"18\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">{Encode(title)}</text>");
        var plotW = Width - Left - Right;
        var plotH = Height - Top - Bottom;
        if (points.Count == 0)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width / 2}\" y=\"{Height / 2}\" text-anchor=\"middle\" fill=\"#888\">no data</text></svg>");
            return svg.ToString();
        }
        var x0 = points.Min(p => p.X);
        var x1 = points.Max(p => p.X);
        var y0 = yMin ?? points.Min(p => p.Y);
        var y1 = yMax ?? points.Max(p => p.Y);
        if (x1 <= x0) { x1 = x0 + 1; }
        if (y1 <= y0) { y1 = y0 + (y0 == 0 ? 1 : Math.Abs(y0) * 0.1); }
        double Px(double x) => Left + (x - x0) / (x1 - x0) * plotW;
        double Py(double y) => Top + plotH - (y - y0) / (y1 - y0) * plotH;
        svg.Append(CultureInfo.InvariantCulture, $"<g stroke=\"#ddd\" stroke-width=\"1\">");
        for (var i = 0; i <= 4; i++)
        {
            var y = Top + plotH * i / 4.0;
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" y1=\"{F(y)}\" x2=\"{Left + plotW}\" y2=\"{F(y)}\"/>");
        }
        svg.Append("</g>");
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Left}\" y=\"{Top}\" width=\"{plotW}\" height=\"{plotH}\" fill=\"none\" stroke=\"#444\"/>");
        for (var i = 0; i <= 4; i++)
        {
            var value = y1 - (y1 - y0) * i / 4.0;
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 6}\" y=\"{F(Top + plotH * i / 4.0 + 4)}\" text-anchor=\"end\" font-size=\"11\">{Label(value)}</text>");
        }

        foreach (var xv in XTicks(x0, x1, wholeNumberX))
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(Px(xv))}\" y=\"{Top + plotH + 16}\" text-anchor=\"middle\" font-size=\"11\">{Label(xv)}</text>");
        }
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left + plotW / 2}\" y=\"{Height - 8}\" text-anchor=\"middle\" font-size=\"12\">{Encode(xLabel)}</text>");
        var legendY = Top + 8;
        foreach (var s in series)
        {
            var finite = s.Points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList();
            if (finite.Count == 0)
            {
                continue;
            }
            var path = string.Join(" ", finite.Select((p, i) => $"{(i == 0 ? "M" : "L")}{F(Px(p.X))},{F(Py(p.Y))}"));
            svg.Append(CultureInfo.InvariantCulture, $"<path d=\"{path}\" fill=\"none\" stroke=\"{s.Color}\" stroke-width=\"2\"/>");
            foreach (var p in finite)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{F(Px(p.X))}\" cy=\"{F(Py(p.Y))}\" r=\"2.5\" fill=\"{s.Color}\"/>");
            }
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Width - Right + 10}\" y1=\"{legendY}\" x2=\"{Width - Right + 28}\" y2=\"{legendY}\" stroke=\"{s.Color}\" stroke-width=\"3\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width - Right + 32}\" y=\"{legendY + 4}\" font-size=\"11\">{Encode(s.Name)}</text>");
            legendY += 18;
        }
        svg.Append("</svg>");
        return svg.ToString();
    }

    /// <summary>Confusion matrix heat map: rows are true classes, columns predictions, shaded by row share.</summary>
    public static string ConfusionHeatMap(IReadOnlyList<string> classes, int[][] confusion)
    {
        var k = classes.Count;
        var cell = Math.Clamp(420 / Math.Max(k, 1), 6, 48);
        var labelSpace = k > 40 ? 0 : 110;
        var size = labelSpace + k * cell;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{size + 20}\" height=\"{size + 40}\" viewBox=\"0 0 {size + 20} {size + 40}\" role=\"img\" aria-label=\"confusion matrix\">");
        svg.Append("<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{labelSpace + k * cell / 2}\" y=\"14\" text-anchor=\"middle\" font-size=\"12\">predicted</text>");
        var top = 20 + labelSpace;
        for (var r = 0; r < k; r++)
        {
            var rowTotal = Math.Max(1, confusion[r].Sum());
            for (var c = 0; c < k; c++)
            {
                var share = (double)confusion[r][c] / rowTotal;
                var shade = (int)Math.Round(255 - share * 200);
                var fill = r == c ? $"rgb({shade},{shade},255)" : $"rgb(255,{shade},{shade})";
                if (confusion[r][c] == 0)
                {
                    fill = "#f7f7f7";
                }
                var x = labelSpace + c * cell;
                var y = top + r * cell;
                svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x}\" y=\"{y}\" width=\"{cell}\" height=\"{cell}\" fill=\"{fill}\" stroke=\"#fff\"><title>{Encode(classes[r])} → {Encode(classes[c])}: {confusion[r][c]}</title></rect>");
                if (cell >= 22 && confusion[r][c] > 0)
                {
                    svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + cell / 2}\" y=\"{y + cell / 2 + 4}\" text-anchor=\"middle\" font-size=\"11\">{confusion[r][c]}</text>");
                }
            }
            if (labelSpace > 0)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{labelSpace - 4}\" y=\"{top + r * cell + cell / 2 + 4}\" text-anchor=\"end\" font-size=\"11\">{Encode(Short(classes[r]))}</text>");
                var cx = labelSpace + r * cell + cell / 2;
                svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{cx}\" y=\"{top - 4}\" font-size=\"11\" transform=\"rotate(-60 {cx} {top - 4})\">{Encode(Short(classes[r]))}</text>");
            }
        }
        svg.Append("</svg>");
        return svg.ToString();
    }

    private static string Short(string name) => name.Length <= 16 ? name : name[..15] + "…";

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
