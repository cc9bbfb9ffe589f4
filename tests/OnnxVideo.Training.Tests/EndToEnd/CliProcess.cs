using System.Diagnostics;

namespace OnnxVideo.Training.Tests.EndToEnd;

/// <summary>Runs the built <c>onnxvideo</c> CLI (copied beside the tests) as a child process.</summary>
internal static class CliProcess
{
    public static string CliDll => Path.Combine(AppContext.BaseDirectory, "onnxvideo.dll");

    public static Process Start(params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(CliDll);
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }
        return Process.Start(info) ?? throw new InvalidOperationException("could not start the CLI");
    }

    public static (int ExitCode, string Stdout, string Stderr) Run(params string[] arguments)
    {
        using var process = Start(arguments);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"onnxvideo {string.Join(' ', arguments)} did not finish");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
