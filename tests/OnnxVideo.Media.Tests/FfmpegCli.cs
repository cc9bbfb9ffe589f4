using System.Diagnostics;

namespace OnnxVideo.Media.Tests;

/// <summary>Runs the real ffmpeg to synthesize test inputs.</summary>
internal static class FfmpegCli
{
    public static void Run(params string[] arguments)
    {
        var start = new ProcessStartInfo("ffmpeg")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in (string[])["-hide_banner", "-nostdin", "-v", "error", "-y", .. arguments])
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"ffmpeg {string.Join(' ', arguments)} failed: {stderr.Result}");
        }
    }
}
