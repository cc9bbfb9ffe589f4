using System.Globalization;

namespace OnnxVideo.Benchmarks.Peers;

/// <summary>This process's peak resident memory since it started (VmHWM in /proc/self/status).</summary>
public static class PeakMemory
{
    public static long PeakBytes()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }
}
