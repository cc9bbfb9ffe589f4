using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace OnnxVideo.Benchmarks.Runtime;

/// <summary>
/// Columns of the <c>Pipeline</c> rows computed from <see cref="PairedStageTimes"/> (medians over invocations):
/// clips/s of each pass, and end-to-end ÷ the limit the two stages allow — on shared cores 1/(1/decode + 1/inference)
/// (a clip costs its decode time plus its inference time), or min(decode, inference) for stages on separate cores.
/// </summary>
public sealed class PairedStageColumn(PairedStageColumn.Kind kind) : IColumn
{
    public enum Kind { DecodeRate, InferenceRate, EndToEndRate, SharedEfficiency, MinEfficiency }

    public string Id => nameof(PairedStageColumn) + kind;
    public string ColumnName => kind switch
    {
        Kind.DecodeRate => "Decode clips/s",
        Kind.InferenceRate => "Infer clips/s",
        Kind.EndToEndRate => "E2E clips/s",
        Kind.SharedEfficiency => "E2E/shared limit",
        _ => "E2E/min limit",
    };
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 10 + (int)kind;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => kind switch
    {
        Kind.SharedEfficiency => "Pipeline rows: median over invocations of E2E clips/s ÷ 1/(1/decode + 1/inference), all three passes measured back to back",
        Kind.MinEfficiency => "Pipeline rows: median of E2E clips/s ÷ min(decode, inference)",
        _ => "Pipeline rows: median clips/s of that pass",
    };

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        if (benchmarkCase.Descriptor.WorkloadMethod.Name != nameof(ClassifyThroughputBenchmarks.Pipeline)
            || benchmarkCase.Parameters["Batch"] is not int batch)
        {
            return "-";
        }
        var samples = PairedStageTimes.Measured(batch);
        if (samples.Count == 0)
        {
            return "-";
        }
        const double clips = ClassifyBenchmarkData.Clips;
        double value = kind switch
        {
            Kind.DecodeRate => PairedStageTimes.Median(samples.Select(s => clips / s.DecodeSeconds)),
            Kind.InferenceRate => PairedStageTimes.Median(samples.Select(s => clips / s.InferenceSeconds)),
            Kind.EndToEndRate => PairedStageTimes.Median(samples.Select(s => clips / s.EndToEndSeconds)),
            Kind.SharedEfficiency => PairedStageTimes.Median(samples.Select(s => (s.DecodeSeconds + s.InferenceSeconds) / s.EndToEndSeconds)),
            _ => PairedStageTimes.Median(samples.Select(s => Math.Max(s.DecodeSeconds, s.InferenceSeconds) / s.EndToEndSeconds)),
        };
        return kind is Kind.SharedEfficiency or Kind.MinEfficiency
            ? value.ToString("P0", CultureInfo.InvariantCulture)
            : value.ToString("0.0", CultureInfo.InvariantCulture);
    }

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public bool IsAvailable(Summary summary) => true;
}
