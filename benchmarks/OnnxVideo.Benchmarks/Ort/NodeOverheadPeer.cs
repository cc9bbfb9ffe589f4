using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace OnnxVideo.Benchmarks.Ort;

/// <summary>Runs benchmarks/peers/ort-node-overhead.js (onnxruntime-node on the same native library) and reads its JSON.</summary>
public static class NodeOverheadPeer
{
    public sealed record Result(double MeanMicroseconds, double MedianMicroseconds, string NativeLibrarySha256, string RawJson);

    public static Result Run(OverheadModel model, string repositoryRoot, int runs, int warmup)
    {
        var script = Path.Combine(repositoryRoot, "benchmarks", "peers", "ort-node-overhead.js");
        var package = Path.Combine(repositoryRoot, ".cache", "ort", "1.30.0", "node");
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { script, "--model", model.Path, "--ort", package, "--runs", runs.ToString(CultureInfo.InvariantCulture),
                     "--warmup", warmup.ToString(CultureInfo.InvariantCulture), "--intra", "1", "--inter", "1" })
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, shape) in model.Inputs)
        {
            start.ArgumentList.Add("--input");
            start.ArgumentList.Add($"{name}:{string.Join(',', shape)}");
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start node");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"the node peer failed (exit {process.ExitCode}): {stderr.Result.Trim()} — run ./build.sh bench once so .cache/ort/1.30.0/node has onnxruntime-common");
        }

        var json = stdout.Trim().Split('\n').Last();
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        return new Result(
            root.GetProperty("mean_us").GetDouble(),
            root.GetProperty("median_us").GetDouble(),
            root.GetProperty("native_library_sha256").GetString() ?? string.Empty,
            json);
    }
}
