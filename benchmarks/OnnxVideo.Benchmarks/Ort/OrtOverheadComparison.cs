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
        Console.WriteLine();
        Console.WriteLine("Per-Run overhead, 1 intra-op + 1 inter-op thread, spinning off, CPU (µs per run)");
        Console.WriteLine($"{"model",-8} {"ours Run",10} {"ours RunInto",13} {"ours IoBinding",15} {"node",10} {"Run/node",9} {"IoBinding/node",15}");
        foreach (var model in models)
        {
            var plain = MeanMicroseconds(summary, model.Name, nameof(OrtRunOverheadBenchmarks.PlainRun));
            var into = MeanMicroseconds(summary, model.Name, nameof(OrtRunOverheadBenchmarks.RunIntoOutputs));
            var bound = MeanMicroseconds(summary, model.Name, nameof(OrtRunOverheadBenchmarks.IoBinding));
            var runs = model.Name == "add" ? (quick ? 5_000 : 50_000) : (quick ? 500 : 3_000);
            var node = NodeOverheadPeer.Run(model, root, runs, runs / 10);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{model.Name,-8} {plain,10:0.00} {into,13:0.00} {bound,15:0.00} {node.MeanMicroseconds,10:0.00} {plain / node.MeanMicroseconds,9:0.00} {bound / node.MeanMicroseconds,15:0.00}"));
            rows.Add(new Dictionary<string, object>
            {
                ["model"] = model.Name,
                ["ours_run_us"] = plain,
                ["ours_run_into_outputs_us"] = into,
                ["ours_iobinding_us"] = bound,
                ["node_mean_us"] = node.MeanMicroseconds,
                ["node_median_us"] = node.MedianMicroseconds,
                ["ratio_run_to_node"] = plain / node.MeanMicroseconds,
                ["ratio_iobinding_to_node"] = bound / node.MeanMicroseconds,
                ["same_native_library"] = node.NativeLibrarySha256 == ourSha,
            });
        }

        Console.WriteLine($"native library SHA-256 (ours): {ourSha}; node peer loads {(rows.All(r => (bool)r["same_native_library"]) ? "the same file contents" : "a DIFFERENT library")}");
        var output = Path.Combine(Environment.CurrentDirectory, "BenchmarkDotNet.Artifacts", "results", "ort-overhead-comparison.json");
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        File.WriteAllText(output, JsonSerializer.Serialize(rows, new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"written {output}");
        return 0;
    }

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
