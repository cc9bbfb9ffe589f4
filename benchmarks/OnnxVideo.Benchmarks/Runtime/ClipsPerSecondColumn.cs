using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace OnnxVideo.Benchmarks.Runtime;

/// <summary>Throughput of a benchmark whose every operation is one clip: 1 / mean time per operation.</summary>
public sealed class ClipsPerSecondColumn : IColumn
{
    public string Id => nameof(ClipsPerSecondColumn);
    public string ColumnName => "Clips/s";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "Clips per second (1 / mean time per clip)";

    public static double? ClipsPerSecond(Summary summary, BenchmarkCase benchmarkCase) =>
        summary[benchmarkCase]?.ResultStatistics?.Mean is { } nanoseconds and > 0 ? 1e9 / nanoseconds : null;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) =>
        ClipsPerSecond(summary, benchmarkCase)?.ToString("0.0", CultureInfo.InvariantCulture) ?? "-";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public bool IsAvailable(Summary summary) => true;
}
