using System.Diagnostics;

namespace OrtManagedPeer;

/// <summary>
/// Timed exactly like the harness's PerRunTimer on our side: warm-up, then a timestamp around every run.
/// </summary>
internal sealed record PerRunTiming(double MeanMicroseconds, double MedianMicroseconds)
{
    public static PerRunTiming Measure(Action run, int runs, int warmup)
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
        return new PerRunTiming(total / runs, perRun[runs / 2]);
    }
}
