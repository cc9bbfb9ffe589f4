using System.Diagnostics;
using System.Text.Json;

namespace OnnxVideo.Benchmarks.Peers;

/// <summary>Runs an out-of-process peer and reads the JSON object it prints on its last line.</summary>
public static class PeerProcess
{
    public sealed record Outcome(int ExitCode, string StandardOutput, string StandardError);

    public static Outcome Run(string fileName, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {fileName}");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return new Outcome(process.ExitCode, stdout, stderr.Result);
    }

    /// <summary>The last stdout line as JSON; a non-zero exit throws with the last stderr line and <paramref name="hint"/>.</summary>
    public static JsonDocument RunJson(string fileName, IEnumerable<string> arguments, string name, string hint = "")
    {
        var outcome = Run(fileName, arguments);
        if (outcome.ExitCode != 0)
        {
            var tail = outcome.StandardError.Trim().Split('\n').LastOrDefault() ?? "";
            throw new InvalidOperationException($"{name} failed (exit {outcome.ExitCode}): {tail}{(hint.Length > 0 ? " — " + hint : "")}");
        }

        return JsonDocument.Parse(outcome.StandardOutput.Trim().Split('\n').Last());
    }

    /// <summary>True when <paramref name="program"/> is an executable file in a folder of PATH.</summary>
    public static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Any(folder => File.Exists(Path.Combine(folder, program)));
}
