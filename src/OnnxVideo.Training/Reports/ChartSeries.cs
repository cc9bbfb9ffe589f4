namespace OnnxVideo.Training.Reports;

/// <summary>One line of a chart: its name, colour and (x, y) points; non-finite points are left out.</summary>
internal sealed record ChartSeries(string Name, string Color, IReadOnlyList<(double X, double Y)> Points);
