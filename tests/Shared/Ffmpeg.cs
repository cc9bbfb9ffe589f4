using System.Diagnostics;

namespace OnnxVideo.Testing;

/// <summary>Runs the ffmpeg/ffprobe command-line tools for the tests (synthesis and the independent decode path).</summary>
public static class Ffmpeg
{
    public static byte[] Run(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        using var stdout = new MemoryStream();
        process.StandardOutput.BaseStream.CopyTo(stdout);
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', arguments)} failed: {stderr.Result}");
        }
        return stdout.ToArray();
    }

    /// <summary>An h264 mp4 from a lavfi source, e.g. "testsrc2=size=96x64:rate=10".</summary>
    public static string Synthesize(string path, string source, double seconds)
    {
        Run("ffmpeg", "-hide_banner", "-v", "error", "-y", "-f", "lavfi", "-i", source, "-t",
            seconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", path);
        return path;
    }

    /// <summary>The first 30 % of an mjpeg AVI whose header declares 50 frames (what <c>head -c</c> leaves), written
    /// into <paramref name="folder"/>.</summary>
    public static string TruncatedAvi(string folder)
    {
        var whole = System.IO.Path.Combine(folder, "whole.avi");
        Run("ffmpeg", "-hide_banner", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=96x64:rate=25",
            "-frames:v", "50", "-c:v", "mjpeg", whole);
        var bytes = File.ReadAllBytes(whole);
        var path = System.IO.Path.Combine(folder, "first-30-percent.avi");
        File.WriteAllBytes(path, bytes[..(bytes.Length * 3 / 10)]);
        return path;
    }
}
