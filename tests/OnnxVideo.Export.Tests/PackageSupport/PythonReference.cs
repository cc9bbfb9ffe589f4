using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OnnxVideo.Export.Tests.PackageSupport;

/// <summary>Runs a reference script (tests' PackagePython folder) with Debian's PyTorch; JSON in on stdin, JSON out on stdout.</summary>
internal static class PythonReference
{
    public static JsonNode Run(string script, object input, params string[] arguments)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "PackagePython", script);
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(path);
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }
        start.Environment["OMP_NUM_THREADS"] = "2";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start /usr/bin/python3");
        var stderrTask = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(JsonSerializer.Serialize(input));
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var stderr = stderrTask.Result;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} failed ({process.ExitCode}): {stderr}");
        }
        // torch.onnx.export may print diagnostics; the result is the last line.
        var last = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        return (last is null ? null : JsonNode.Parse(last)) ?? throw new InvalidOperationException($"{script} printed nothing: {stderr}");
    }

    public static float[] Floats(JsonNode? node) => node!.AsArray().Select(v => (float)v!.GetValue<double>()).ToArray();
}
