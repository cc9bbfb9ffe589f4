using System.Globalization;

namespace OnnxVideo.Media;

/// <summary>Reads the timestamp log of a decode (<see cref="FilterChain.LogTimestamps"/>) to tell which frames ffmpeg
/// really decoded: a frame-folder image it could not decode is missing from the log, and frames that <c>fps</c> repeats
/// at the end of a truncated stream were never logged.</summary>
internal static class DecodedFrameLog
{
    /// <summary>For each of <paramref name="positions"/> linked images, the index of the output frame that fills it:
    /// its own when decoded, else the previous decoded one (the next one before the first); and the positions that
    /// were not decoded.</summary>
    public static (int[] Source, IReadOnlyList<int> Missing) NearestDecoded(string folder, string logFile, int delivered,
        int positions)
    {
        var decoded = Timestamps(folder, logFile);
        if (decoded.Count != delivered || decoded.Any(p => p < 0 || p >= positions)
            || decoded.Zip(decoded.Skip(1)).Any(pair => pair.Second <= pair.First))
        {
            throw new VideoInputException(folder, VideoInputError.Corrupt,
                $"{delivered} of {positions} chosen frames were decoded, and ffmpeg's log does not say which");
        }
        var source = new int[positions];
        var missing = new List<int>();
        var next = 0;
        for (var p = 0; p < positions; p++)
        {
            while (next < decoded.Count && decoded[next] <= p)
            {
                next++;
            }
            // next − 1 is the last decoded position at or before p.
            if (next == 0 || decoded[next - 1] != p)
            {
                missing.Add(p);
            }
            source[p] = Math.Max(0, next - 1);
        }
        return (source, missing);
    }

    /// <summary>For each of <paramref name="sortedTargets"/> (seconds), the time of the decoded frame that served it,
    /// or NaN when none did; the log is written after <c>settb=AVTB</c> (microsecond timestamps) and a frame at t serves
    /// the targets with target − tolerance ≤ t not served before, the rule of <see cref="FilterChain.Build"/>.</summary>
    public static double[] ServingTimes(string input, string logFile, ReadOnlySpan<double> sortedTargets, double tolerance)
    {
        var times = Timestamps(input, logFile).Where(t => t >= 0).Select(t => t / 1e6).Order().ToList();
        var serving = new double[sortedTargets.Length];
        var target = 0;
        foreach (var time in times)
        {
            while (target < sortedTargets.Length && sortedTargets[target] - tolerance <= time)
            {
                serving[target++] = time;
            }
        }
        serving.AsSpan(target).Fill(double.NaN);
        return serving;
    }

    /// <summary>The pts of each frame in the log, in order; -1 for a line whose pts is not a number.</summary>
    private static List<long> Timestamps(string input, string logFile)
    {
        var positions = new List<long>();
        try
        {
            foreach (var line in File.ReadLines(logFile))
            {
                if (!line.StartsWith("frame:", StringComparison.Ordinal))
                {
                    continue;
                }
                var at = line.IndexOf(" pts:", StringComparison.Ordinal);
                var field = at < 0 ? "" : line[(at + 5)..].TrimStart().Split(' ')[0];
                positions.Add(long.TryParse(field, NumberStyles.Integer, CultureInfo.InvariantCulture, out var pts) ? pts : -1);
            }
        }
        catch (IOException e)
        {
            throw new VideoInputException(input, VideoInputError.Corrupt, $"ffmpeg's frame log could not be read: {e.Message}",
                inner: e);
        }
        return positions;
    }
}
