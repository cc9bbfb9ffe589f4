using System.Globalization;
using System.Text.Json;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using OnnxVideo.Benchmarks.Peers;
using OnnxVideo.Ort;

namespace OnnxVideo.Benchmarks.Ort;

/// <summary>
/// <c>dotnet run --project benchmarks/OnnxVideo.Benchmarks -c Release -- ort-overhead</c>: runs
/// <see cref="OrtRunOverheadBenchmarks"/> with BenchmarkDotNet, then the official C# API peer (same native file) and
/// the onnxruntime-node peer (its own native build; skipped when not installed) on the same model files, and prints
/// per-run microseconds and the ratios ours ÷ peer.
/// </summary>
public static class OrtOverheadComparison
{
    private sealed record ModelTimings(PerRunTimer.Timing Run, PerRunTimer.Timing Bound, ManagedApiPeer.Result Managed,
        PerRunTimer.Timing ManagedRun, PerRunTimer.Timing ManagedBound, NodeOverheadPeer.Result? Node, string? NodeSkipped);

    public static int Run(string[] args)
    {
        var root = RepositoryRoot();
        var quick = args.Contains("--quick");
        var job = Job.Default.WithToolchain(InProcessEmitToolchain.Instance)
            .WithWarmupCount(quick ? 2 : 5).WithIterationCount(quick ? 5 : 15);
        var summary = BenchmarkRunner.Run<OrtRunOverheadBenchmarks>(ManualConfig.Create(DefaultConfig.Instance).AddJob(job));

        var rows = new List<Dictionary<string, object?>>();
        var lines = new List<string>
        {
            "Per-Run time, 1 intra-op + 1 inter-op thread, spinning off, CPU, µs per run (median of single runs timed alike; mean in brackets)",
            $"{"model",-8} {"ours Run",16} {"ours IoBinding",16} {"C# API Run",16} {"C# API IoBind.",16} {"node",16} {"Run/C#",7} {"IoB./C#",7} {"Run/node",8}",
        };
        foreach (var model in new[] { OverheadModel.Add(), OverheadModel.Conv3d() })
        {
            var runs = model.Name == "add" ? (quick ? 5_000 : 50_000) : (quick ? 500 : 3_000);
            var t = Measure(model, root, runs);
            var nodeRatio = t.Node is null ? "n/a" : (t.Run.MedianMicroseconds / t.Node.MedianMicroseconds).ToString("0.00", CultureInfo.InvariantCulture);
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"{model.Name,-8} {Cell(t.Run),16} {Cell(t.Bound),16} {Cell(t.ManagedRun),16} {Cell(t.ManagedBound),16} "
                + $"{(t.Node is null ? "skipped" : Cell(new PerRunTimer.Timing(t.Node.MeanMicroseconds, t.Node.MedianMicroseconds))),16} "
                + $"{t.Run.MedianMicroseconds / t.ManagedRun.MedianMicroseconds,7:0.00} {t.Bound.MedianMicroseconds / t.ManagedBound.MedianMicroseconds,7:0.00} {nodeRatio,8}"));
            rows.Add(JsonRow(summary, model, t));
        }

        Console.WriteLine();
        lines.ForEach(Console.WriteLine);
        var any = rows[0];
        Console.WriteLine($"native library (ours): {OrtLibrary.LibraryPath}, ORT {OrtLibrary.Version}, SHA-256 {ManagedApiPeer.OurNativeLibrarySha256}");
        Console.WriteLine($"C# API peer: Microsoft.ML.OnnxRuntime.Managed {any["csharp_managed_api_version"]} on the same file (checked)");
        Console.WriteLine(any["node_skipped"] is string why ? $"node peer skipped: {why}" : $"node peer: onnxruntime-node {any["node_version"]}, {any["node_native_library"]}");
        var output = Path.Combine(Environment.CurrentDirectory, "BenchmarkDotNet.Artifacts", "results", "ort-overhead-comparison.json");
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        File.WriteAllText(output, JsonSerializer.Serialize(rows, new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"written {output}");
        return 0;
    }

    // Ours and each peer alternate twice so all see the same machine load; the lower median of each is kept.
    private static ModelTimings Measure(OverheadModel model, string root, int runs)
    {
        PerRunTimer.Timing? plain = null, bound = null, managedRun = null, managedBound = null;
        ManagedApiPeer.Result? managed = null;
        NodeOverheadPeer.Result? node = null;
        string? nodeSkipped = null;
        for (var round = 0; round < 2; round++)
        {
            var timings = TimeOurs(model, runs);
            plain = PerRunTimer.Lower(plain, timings.Plain);
            bound = PerRunTimer.Lower(bound, timings.Bound);
            managed = ManagedApiPeer.Run(root, model, intraOpThreads: 1, runs, runs / 10);
            managedRun = PerRunTimer.Lower(managedRun, managed.Run);
            managedBound = PerRunTimer.Lower(managedBound, managed.IoBinding);
            try
            {
                var peer = NodeOverheadPeer.Run(model, root, runs, runs / 10);
                node = node is null || peer.MedianMicroseconds < node.MedianMicroseconds ? peer : node;
            }
            catch (PeerSkippedException e)
            {
                nodeSkipped = e.Message;
            }
        }

        return new ModelTimings(plain!, bound!, managed!, managedRun!, managedBound!, node, nodeSkipped);
    }

    private static Dictionary<string, object?> JsonRow(Summary summary, OverheadModel model, ModelTimings t) => new()
    {
        ["model"] = model.Name,
        ["ours_run_median_us"] = t.Run.MedianMicroseconds,
        ["ours_run_mean_us"] = t.Run.MeanMicroseconds,
        ["ours_iobinding_median_us"] = t.Bound.MedianMicroseconds,
        ["ours_iobinding_mean_us"] = t.Bound.MeanMicroseconds,
        ["csharp_run_median_us"] = t.ManagedRun.MedianMicroseconds,
        ["csharp_run_mean_us"] = t.ManagedRun.MeanMicroseconds,
        ["csharp_iobinding_median_us"] = t.ManagedBound.MedianMicroseconds,
        ["csharp_iobinding_mean_us"] = t.ManagedBound.MeanMicroseconds,
        ["csharp_managed_api_version"] = t.Managed.ManagedApiVersion.Split('+')[0],
        ["csharp_ort_version"] = t.Managed.OrtVersion,
        ["ratio_run_to_csharp"] = t.Run.MedianMicroseconds / t.ManagedRun.MedianMicroseconds,
        ["ratio_iobinding_to_csharp"] = t.Bound.MedianMicroseconds / t.ManagedBound.MedianMicroseconds,
        ["node_median_us"] = t.Node?.MedianMicroseconds,
        ["node_mean_us"] = t.Node?.MeanMicroseconds,
        ["node_version"] = t.Node?.Version,
        ["node_native_library"] = t.Node?.NativeLibrary,
        ["node_same_native_library"] = t.Node is null ? null : t.Node.NativeLibrarySha256 == ManagedApiPeer.OurNativeLibrarySha256,
        ["node_skipped"] = t.NodeSkipped,
        ["ratio_run_to_node"] = t.Node is null ? null : t.Run.MedianMicroseconds / t.Node.MedianMicroseconds,
        ["bdn_run_mean_us"] = MeanMicroseconds(summary, model.Name, nameof(OrtRunOverheadBenchmarks.PlainRun)),
        ["bdn_run_into_outputs_mean_us"] = MeanMicroseconds(summary, model.Name, nameof(OrtRunOverheadBenchmarks.RunIntoOutputs)),
        ["bdn_iobinding_mean_us"] = MeanMicroseconds(summary, model.Name, nameof(OrtRunOverheadBenchmarks.IoBinding)),
    };

    public static (PerRunTimer.Timing Plain, PerRunTimer.Timing Bound) TimeOurs(OverheadModel model, int runs)
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

    private static string Cell(PerRunTimer.Timing t) => string.Create(CultureInfo.InvariantCulture, $"{t.MedianMicroseconds:0.00} ({t.MeanMicroseconds:0.0})");

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
