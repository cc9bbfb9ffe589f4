using System.Diagnostics;

namespace OnnxVideo.Benchmarks.Peers;

/// <summary>Stopwatch timing for the peer comparison: warm-up runs, then the median of timed runs; and the Python peers.</summary>
public static class PeerTiming
{
    public static double MedianSeconds(Action run, int warmup, int iterations)
    {
        for (var i = 0; i < warmup; i++)
        {
            run();
        }
        var times = new List<double>(iterations);
        for (var i = 0; i < iterations; i++)
        {
            var start = Stopwatch.GetTimestamp();
            run();
            times.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
        return Median(times);
    }

    /// <summary>Medians of <paramref name="ours"/> and <paramref name="peer"/> run in turns (ours, then the peer, each
    /// round), so that both see the same background load; warm-up rounds first.</summary>
    public static (double Ours, double Peer) AlternatingMedianSeconds(Action ours, Action peer, int warmup, int rounds)
    {
        var times = new List<double>[] { [], [] };
        Action[] sides = [ours, peer];
        for (var round = 0; round < warmup + rounds; round++)
        {
            for (var side = 0; side < sides.Length; side++)
            {
                var start = Stopwatch.GetTimestamp();
                sides[side]();
                if (round >= warmup)
                {
                    times[side].Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
                }
            }
        }
        return (Median(times[0]), Median(times[1]));
    }

    public static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>Runs a peer script with Debian's interpreter; <paramref name="property"/> of the JSON it prints last,
    /// and its peak resident memory where it reports one.</summary>
    public static (double Seconds, long? PeakBytes) Python(string script, string property, params string[] arguments)
    {
        using var json = PeerProcess.RunJson("/usr/bin/python3", [script, .. arguments], Path.GetFileName(script));
        var peak = json.RootElement.TryGetProperty("peak_rss_bytes", out var p) ? p.GetInt64() : (long?)null;
        return (json.RootElement.GetProperty(property).GetDouble(), peak);
    }

    /// <summary><see cref="Python"/>, or its failure as a note (the row then keeps our side's numbers).</summary>
    public static (double? Seconds, long? PeakBytes, string Failure) TryPython(string script, string property, params string[] arguments)
    {
        try
        {
            var (seconds, peak) = Python(script, property, arguments);
            return (seconds, peak, "");
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or System.Text.Json.JsonException)
        {
            return (null, null, "peer could not run: " + e.Message.Split('\n')[0]);
        }
    }
}
