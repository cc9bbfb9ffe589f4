using System.Diagnostics;

namespace OnnxVideo.Benchmarks.Media;

/// <summary>The benchmark input: a 10 s 640x360 30 fps h264 clip (testsrc2 pattern), made once with ffmpeg and
/// kept in the temp folder between runs.</summary>
public static class MediaBenchmarkClip
{
    public static string EnsureCreated()
    {
        var folder = Path.Combine(Path.GetTempPath(), "onnxvideo-bench-media-v1");
        var path = Path.Combine(folder, "testsrc2-640x360-10s.mp4");
        if (File.Exists(path))
        {
            return path;
        }
        Directory.CreateDirectory(folder);
        var partial = path + ".partial.mp4";
        Run("ffmpeg", "-hide_banner", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
            "testsrc2=size=640x360:rate=30:duration=10", "-c:v", "libx264", "-pix_fmt", "yuv420p", partial);
        File.Move(partial, path, overwrite: true);
        return path;
    }

    public static void Run(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} failed ({process.ExitCode}): {stderr}");
        }
    }
}
