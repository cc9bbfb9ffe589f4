using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using OnnxVideo.Ort;

namespace OnnxVideo.Benchmarks.Ort;

/// <summary>
/// <c>dotnet run --project benchmarks/OnnxVideo.Benchmarks -c Release -- ort-overhead</c>: runs
/// <see cref="OrtRunOverheadBenchmarks"/> with BenchmarkDotNet, then the onnxruntime-node peer on the same model
/// files, and prints per-run microseconds and the ratio ours ÷ node.
/// </summary>
public static class OrtOverheadComparison
{
    public static int Run(string[] args)
    {
        var root = RepositoryRoot();
        var quick = args.Contains("--quick");
        var models = new[] { OverheadModel.Add(), OverheadModel.Conv3d() };

        var job = Job.Default.WithToolchain(InProcessEmitToolchain.Instance)
            .WithWarmupCount(quick ? 2 : 5).WithIterationCount(quick ? 5 : 15);
        var summary = BenchmarkRunner.Run<OrtRunOverheadBenchmarks>(ManualConfig.Create(DefaultConfig.Instance).AddJob(job));

        var ourSha = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(OrtLibrary.LibraryPath)));
        var rows = new List<Dictionary<string, object>>();
        var lines = new List<string>
        {
            "Per-Run time, 1 intra-op + 1 inter-op thread, spinning off, CPU, µs per run (median of single runs timed alike; mean in brackets)",
            $"{"model",-8} {"ours Run",18} {"ours IoBinding",18} {"node",18} {"Run/node",9} {"IoBinding/node",15}",
        };
        foreach (var model in models)
        {
            var runs = model.Name == "add" ? (quick ? 5_000 : 50_000) : (quick ? 500 : 3_000);

            // Ours and node alternate twice so both see the same machine load; the lower median of each is kept.
            PerRunTimer.Timing? plain = null, bound = null;
            NodeOverheadPeer.Result? node = null;
            for (var round = 0; round < 2; round++)
            {
                var timings = TimeOurs(model, runs);
                plain = Better(plain, timings.Plain);
                bound = Better(bound, timings.Bound);
                var peer = NodeOverheadPeer.Run(model, root, runs, runs / 10);
                node = node is null || peer.MedianMicroseconds < node.MedianMicroseconds ? peer : node;
            }

            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"{model.Name,-8} {Cell(plain!.MedianMicroseconds, plain.MeanMicroseconds),18} {Cell(bound!.MedianMicroseconds, bound.MeanMicroseconds),18} "
                + $"{Cell(node!.MedianMicroseconds, node.MeanMicroseconds),18} {plain.MedianMicroseconds / node.MedianMicroseconds,9:0.00} {bound.MedianMicroseconds / node.MedianMicroseconds,15:0.00}"));
            rows.Add(new Dictionary<string, object>
            {
                ["model"] = model.Name,
                ["ours_run_median_us"] = plain.MedianMicroseconds,
                ["ours_run_mean_us"] = plain.MeanMicroseconds,
                ["ours_iobinding_median_us"] = bound.MedianMicroseconds,
                ["ours_iobinding_mean_us"] = bound.MeanMicroseconds,
                ["node_median_us"] = node.MedianMicroseconds,
                ["node_mean_us"] = node.MeanMicroseconds,
                ["ratio_run_to_node"] = plain.MedianMicroseconds / node.MedianMicroseconds,
                ["ratio_iobinding_to_node"] = bound.MedianMicroseconds / node.MedianMicroseconds,
                ["bdn_run_mean_us"] = MeanMicroseconds(summary, model.Name, nameof(OrtRunOverheadBenchmarks.PlainRun)),
                ["bdn_run_into_outputs_mean_us"] = MeanMicroseconds(summary, model.Name, nameof(OrtRunOverheadBenchmarks.RunIntoOutputs)),
                ["bdn_iobinding_mean_us"] = MeanMicroseconds(summary, model.Name, nameof(OrtRunOverheadBenchmarks.IoBinding)),
                ["same_native_library"] = node.NativeLibrarySha256 == ourSha,
            });
        }

        Console.WriteLine();
        foreach (var line in lines)
        {
            Console.WriteLine(line);
        }

        Console.WriteLine($"native library SHA-256 (ours): {ourSha}; node peer loads {(rows.All(r => (bool)r["same_native_library"]) ? "the same file contents" : "a DIFFERENT library")}");
        var output = Path.Combine(Environment.CurrentDirectory, "BenchmarkDotNet.Artifacts", "results", "ort-overhead-comparison.json");
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        File.WriteAllText(output, JsonSerializer.Serialize(rows, new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"written {output}");
        return 0;
    }

    private static (PerRunTimer.Timing Plain, PerRunTimer.Timing Bound) TimeOurs(OverheadModel model, int runs)
    {
        var benchmark = new OrtRunOverheadBenchmarks { Model = model.Name };
        benchmark.Setup();
        try
        {
            var plain = PerRunTimer.Measure(() => benchmark.PlainRun(), runs, runs / 10);
            var bound = PerRunTimer.Measure(() => benchmark.IoBinding(), runs, runs / 10);
            return (plain, bound);
        }
        finally
        {
            benchmark.Cleanup();
        }
    }

    private static PerRunTimer.Timing Better(PerRunTimer.Timing? current, PerRunTimer.Timing candidate) =>
        current is null || candidate.MedianMicroseconds < current.MedianMicroseconds ? candidate : current;

    private static string Cell(double median, double mean) => string.Create(CultureInfo.InvariantCulture, $"{median:0.00} ({mean:0.0})");

    private static double MeanMicroseconds(Summary summary, string model, string method)
    {
        var report = summary.Reports.FirstOrDefault(r =>
            r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method
            && Equals(r.BenchmarkCase.Parameters["Model"], model));
        return report?.ResultStatistics?.Mean / 1000.0
            ?? throw new InvalidOperationException($"BenchmarkDotNet produced no result for {method} on {model}");
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "OnnxVideo.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("cannot find the repository root (OnnxVideo.sln) above " + AppContext.BaseDirectory);
    }
}
