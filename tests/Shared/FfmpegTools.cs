using System.Diagnostics;

namespace OnnxVideo.Testing;

/// <summary>Runs the real ffmpeg/ffprobe command-line tools for the tests: synthesizing inputs and the independent decode path.</summary>
public static class FfmpegTools
{
    /// <summary>Runs <paramref name="tool"/> (ffmpeg or ffprobe) with no stdin and returns its stdout; a non-zero exit
    /// throws with its stderr.</summary>
    public static byte[] Run(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
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

    /// <summary>Runs ffmpeg quietly (<c>-hide_banner -nostdin -v error -y</c>, then <paramref name="arguments"/>) to
    /// write a test input.</summary>
    public static void Write(params string[] arguments) =>
        Run("ffmpeg", ["-hide_banner", "-nostdin", "-v", "error", "-y", .. arguments]);

    /// <summary>An h264 mp4 from a lavfi source, e.g. "testsrc2=size=96x64:rate=10".</summary>
    public static string Synthesize(string path, string source, double seconds)
    {
        Write("-f", "lavfi", "-i", source, "-t", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", path);
        return path;
    }

    /// <summary>The first 30 % of an mjpeg AVI whose header declares 50 frames (what <c>head -c</c> leaves), written
    /// into <paramref name="folder"/>.</summary>
    public static string TruncatedAvi(string folder)
    {
        var whole = System.IO.Path.Combine(folder, "whole.avi");
        Write("-f", "lavfi", "-i", "testsrc=size=96x64:rate=25", "-frames:v", "50", "-c:v", "mjpeg", whole);
        var bytes = File.ReadAllBytes(whole);
        var path = System.IO.Path.Combine(folder, "first-30-percent.avi");
        File.WriteAllBytes(path, bytes[..(bytes.Length * 3 / 10)]);
        return path;
    }
}
