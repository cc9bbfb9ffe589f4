using System.Diagnostics;

namespace OnnxVideo.Benchmarks.Ort;

/// <summary>
/// Times single runs the way the node peer does (warm-up, then a timestamp around every run), so medians of both
/// sides are measured alike. The median resists the scheduling stalls of a shared machine; the mean does not.
/// </summary>
public static class PerRunTimer
{
    public sealed record Timing(double MeanMicroseconds, double MedianMicroseconds);

    public static Timing Measure(Action run, int runs, int warmup)
    {
        for (var i = 0; i < warmup; i++)
        {
            run();
        }

        var perRun = new double[runs];
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < runs; i++)
        {
            var t0 = Stopwatch.GetTimestamp();
            run();
            // Raw ticks: a TimeSpan would round every run to 100 ns, a tenth of a run of the Add model.
            perRun[i] = (Stopwatch.GetTimestamp() - t0) * 1e6 / Stopwatch.Frequency;
        }

        var total = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        Array.Sort(perRun);
        return new Timing(total / runs, perRun[runs / 2]);
    }

    /// <summary>The timing with the lower median (rounds of a comparison keep each side's best).</summary>
    public static Timing Lower(Timing? current, Timing candidate) =>
        current is null || candidate.MedianMicroseconds < current.MedianMicroseconds ? candidate : current;
}
