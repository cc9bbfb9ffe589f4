using System.Xml.Linq;
using OnnxVideo.Training.Reports;

namespace OnnxVideo.Training.Tests.Reports;

public sealed class ChartAxisTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    /// <summary>Y-axis labels are right-aligned; x-axis labels are the centred ones with font size 11.</summary>
    private static List<string> Labels(string svg, string anchor) =>
        XElement.Parse(svg).Descendants(Svg + "text")
            .Where(t => (string?)t.Attribute("text-anchor") == anchor && (string?)t.Attribute("font-size") == "11")
            .Select(t => t.Value).ToList();

    [Fact]
    public void SmallLearningRatesAreNotAllLabelledZero()
    {
        var rates = Enumerable.Range(1, 21).Select(e => ((double)e, 5e-4 * (1 + Math.Cos(Math.PI * (e - 1) / 20)) / 2)).ToList();
        var svg = SvgCharts.LineChart("Learning rate", "epoch", [new ChartSeries("lr", "#000", rates)], yMin: 0, wholeNumberX: true);
        Assert.Equal(["5e-4", "3.75e-4", "2.5e-4", "1.25e-4", "0"], Labels(svg, "end"));
    }

    [Fact]
    public void EpochTicksAreWholeNumbers()
    {
        var points = Enumerable.Range(1, 21).Select(e => ((double)e, 1.0 / e)).ToList();
        var svg = SvgCharts.LineChart("Loss", "epoch", [new ChartSeries("train", "#000", points)], yMin: 0, wholeNumberX: true);
        Assert.Equal(["1", "6", "11", "16", "21"], Labels(svg, "middle"));

        var fractional = SvgCharts.LineChart("Loss", "epoch", [new ChartSeries("train", "#000", points.Take(4).ToList())], yMin: 0, wholeNumberX: true);
        Assert.Equal(["1", "2", "3", "4"], Labels(fractional, "middle"));
    }
}
