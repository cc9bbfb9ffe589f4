using System.Diagnostics;

namespace OnnxVideo.Export.Tests.Cli;

/// <summary>Runs the built onnxvideo-export tool as a child process, as a user would.</summary>
internal static class ExportToolRunner
{
    public static (int ExitCode, string Stdout, string Stderr) Run(params string[] args) => RunWithin(TimeSpan.FromMinutes(10), args);

    /// <summary>Runs the tool; a run still going after <paramref name="limit"/> is killed and fails the test.</summary>
    public static (int ExitCode, string Stdout, string Stderr) RunWithin(TimeSpan limit, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "onnxvideo-export.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            Assert.Fail($"onnxvideo-export {string.Join(' ', args)} still running after {limit.TotalSeconds} s; killed");
        }
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
