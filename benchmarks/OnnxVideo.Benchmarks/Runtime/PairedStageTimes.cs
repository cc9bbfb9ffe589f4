using System.Collections.Concurrent;

namespace OnnxVideo.Benchmarks.Runtime;

/// <summary>
/// Per-invocation stage times of <see cref="ClassifyThroughputBenchmarks.Pipeline"/>, keyed by batch size. The three
/// passes of one invocation run back to back, so they see the same machine load; their ratio is far steadier than
/// ratios of separately measured benchmarks on a shared machine. The first <see cref="Discard"/> invocations (jitting
/// and warm-up) are dropped.
/// </summary>
public static class PairedStageTimes
{
    public const int Discard = 2;

    public readonly record struct Sample(double DecodeSeconds, double InferenceSeconds, double EndToEndSeconds);

    private static readonly ConcurrentDictionary<int, List<Sample>> Samples = new();

    public static void Record(int batch, Sample sample)
    {
        var list = Samples.GetOrAdd(batch, _ => []);
        lock (list)
        {
            list.Add(sample);
        }
    }

    public static IReadOnlyList<Sample> Measured(int batch)
    {
        if (!Samples.TryGetValue(batch, out var list))
        {
            return [];
        }
        lock (list)
        {
            return list.Skip(Discard).ToArray();
        }
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN
            : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2]
            : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
