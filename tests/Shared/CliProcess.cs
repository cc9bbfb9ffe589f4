using System.Diagnostics;

namespace OnnxVideo.Testing;

/// <summary>
/// Runs a CLI built beside the tests (<c>onnxvideo</c> unless named, or <c>onnxvideo-export</c>) as a child process,
/// with no stdin and a deadline; environment entries with a null value are removed.
/// </summary>
public static class CliProcess
{
    public static Process Start(params string[] arguments) => Start("onnxvideo", new Dictionary<string, string?>(), arguments);

    public static Process Start(string program, IReadOnlyDictionary<string, string?> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(System.IO.Path.Combine(AppContext.BaseDirectory, program + ".dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        process.StandardInput.Close();
        return process;
    }

    public static (int ExitCode, string Stdout, string Stderr) Run(params string[] arguments) =>
        Run("onnxvideo", new Dictionary<string, string?>(), arguments);

    /// <summary>Runs <c>onnxvideo-export</c>, which may compile a large model: its deadline is 10 minutes.</summary>
    public static (int ExitCode, string Stdout, string Stderr) RunExport(params string[] arguments) =>
        RunWithin(TimeSpan.FromMinutes(10), "onnxvideo-export", new Dictionary<string, string?>(), arguments);

    public static (int ExitCode, string Stdout, string Stderr) Run(string program, IReadOnlyDictionary<string, string?> environment, params string[] arguments) =>
        RunWithin(TimeSpan.FromMinutes(3), program, environment, arguments);

    /// <summary>Runs the CLI; one still going after <paramref name="limit"/> is killed and throws.</summary>
    public static (int ExitCode, string Stdout, string Stderr) RunWithin(TimeSpan limit, string program,
        IReadOnlyDictionary<string, string?> environment, params string[] arguments)
    {
        using var process = Start(program, environment, arguments);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not finish in {limit.TotalSeconds} s; killed");
        }

        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
