using System.Text.RegularExpressions;
using System.Xml.Linq;
using OnnxVideo.Training.Metrics;
using OnnxVideo.Training.Reports;

namespace OnnxVideo.Training.Tests.Reports;

public sealed class HtmlReportTests
{
    [Fact]
    public void ReportHoldsWellFormedChartsAndConfusionCells()
    {
        var classes = new[] { "walk", "run", "<jump>" };
        var metrics = new ClassificationMetrics(classes);
        metrics.Add([3f, 0f, 0f], 0);
        metrics.Add([0f, 3f, 0f], 1);
        metrics.Add([3f, 0f, 0f], 2);
        var epochs = Enumerable.Range(1, 5).Select(e => new EpochMetrics
        {
            Epoch = e, Step = e * 4, TrainLoss = 2.0 / e, TrainTop1 = e / 5.0, LearningRate = 0.01 / e,
            ValidationLoss = e == 3 ? double.NaN : 2.5 / e, ValidationTop1 = e / 6.0, ValidationTop5 = 1,
        }).ToList();

        using var dir = new TempDirectory();
        var path = dir.File("report.html");
        HtmlReport.Write(path, "run <1>", epochs, metrics.Compute(), classes);
        var html = File.ReadAllText(path);

        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Contains("run &lt;1&gt;", html);
        var svgs = Regex.Matches(html, "<svg.*?</svg>", RegexOptions.Singleline).Select(m => XElement.Parse(m.Value)).ToList();
        Assert.Equal(4, svgs.Count);
        XNamespace ns = "http://www.w3.org/2000/svg";
        // Loss chart: train line has 5 points; the validation line skips the NaN epoch.
        var lossPaths = svgs[0].Descendants(ns + "path").Select(p => p.Attribute("d")!.Value).ToList();
        Assert.Equal(5, lossPaths[0].Count(ch => ch is 'M' or 'L'));
        Assert.Equal(4, lossPaths[1].Count(ch => ch is 'M' or 'L'));
        // Confusion matrix: 3×3 cells, with the count shown in each non-empty one.
        var cells = svgs[3].Descendants(ns + "rect").Skip(1).ToList();
        Assert.Equal(9, cells.Count);
        Assert.Contains(cells, c => c.Element(ns + "title")!.Value == "<jump> → walk: 1");
        Assert.Contains("66.7 %", html);
    }
}
