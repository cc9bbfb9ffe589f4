using System.Diagnostics;
using System.Text.Json;

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
        var times = new double[iterations];
        for (var i = 0; i < iterations; i++)
        {
            var start = Stopwatch.GetTimestamp();
            run();
            times[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        Array.Sort(times);
        return iterations % 2 == 1 ? times[iterations / 2] : (times[iterations / 2 - 1] + times[iterations / 2]) / 2;
    }

    /// <summary>Runs a peer script with Debian's interpreter and returns <paramref name="property"/> of the JSON it prints last.</summary>
    public static double PythonSeconds(string script, string property, params string[] arguments)
    {
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start /usr/bin/python3");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            var tail = stderr.Result.Trim().Split('\n').LastOrDefault() ?? "";
            throw new InvalidOperationException($"{Path.GetFileName(script)} failed (exit {process.ExitCode}): {tail}");
        }
        using var json = JsonDocument.Parse(stdout.Trim().Split('\n').Last());
        return json.RootElement.GetProperty(property).GetDouble();
    }
}
