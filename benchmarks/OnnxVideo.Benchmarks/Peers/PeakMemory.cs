using System.Globalization;

namespace OnnxVideo.Benchmarks.Peers;

/// <summary>
/// This process's peak resident memory (VmHWM in /proc/self/status) since <see cref="Reset"/>, which writes 5 to
/// /proc/self/clear_refs (Linux resets the high-water mark to the current resident size).
/// </summary>
public static class PeakMemory
{
    public static void Reset()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        File.WriteAllText("/proc/self/clear_refs", "5");
    }

    public static long PeakBytes()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }
}
