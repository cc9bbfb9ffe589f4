using System.Globalization;
using OnnxVideo.Benchmarks.Media;
using OnnxVideo.Benchmarks.Ort;

namespace OnnxVideo.Benchmarks.Peers;

/// <summary>
/// <c>dotnet run --project benchmarks/OnnxVideo.Benchmarks -c Release -- peers [--threads 2 --arch r2plus1d_18|all
/// --batch 2 --frames 8 --size 112 --iters 3 --rounds 1] [--ort-only]</c>: in one session, on the same inputs and thread count, times our
/// decode + sample + preprocess against bare ffmpeg running the same filter chain, our ORT inference and compiled
/// training steps (full with BatchNorm trained and frozen, head-only, LoRA) against PyTorch eager (`--arch all`: tiny3d at
/// 8×3×8×64², then r3d_18, mc3_18 and r2plus1d_18 at the given batch), our binding against ONNX Runtime's official C# API (separate process, same
/// native file; a zoo model's inference and per-Run overhead, plain Run and IoBinding), and our per-Run overhead
/// against onnxruntime-node (its own native build; skipped when npm could not install it). Prints one table of
/// ours ÷ peer and writes peers.md and peers.svg to BenchmarkDotNet.Artifacts/results.
/// Stopwatch medians after warm-up on our side (decode rows: ours and ffmpeg in turns); the Python peers report the mean
/// of their timed iterations.
/// </summary>
public static class PeerComparison
{
    public static int Run(string[] args)
    {
        var threads = IntOption(args, "--threads", 2);
        var archOption = StringOption(args, "--arch", "r2plus1d_18")!;
        var batch = IntOption(args, "--batch", 2);
        var frames = IntOption(args, "--frames", 8);
        var size = IntOption(args, "--size", 112);
        var iterations = IntOption(args, "--iters", 3);
        var rounds = IntOption(args, "--rounds", 1);
        var models = archOption == "all"
            ? [Tiny3dCase with { Rounds = Math.Max(Tiny3dCase.Rounds, rounds) },
                .. new[] { "r3d_18", "mc3_18", "r2plus1d_18" }.Select(a => new PeerModelCase(a, batch, frames, size) { Rounds = rounds })]
            : new[] { new PeerModelCase(archOption, batch, frames, size) { Rounds = rounds } };
        var root = RepositoryRoot();
        var peers = Path.Combine(root, "benchmarks", "peers");
        Console.WriteLine($"peer comparison: {string.Join(", ", models.Select(m => $"{m.Arch} {m.Shape}"))}, {threads} threads, {iterations} timed iterations after warm-up{(models.Any(m => m.IterationScale > 1) ? $" (tiny3d: {iterations * Tiny3dCase.IterationScale})" : "")}");

        var ortOnly = args.Contains("--ort-only");
        var collector = new PeerRowCollector();
        if (!ortOnly)
        {
            foreach (var (read, task) in DecodeRows)
                collector.Add(() => Decode(iterations, read, task), task, "ffmpeg -f null");
            foreach (var m in models)
                collector.Add(() => Inference(m, threads, iterations * m.IterationScale, peers), $"{m.Arch} inference {m.Shape}", "PyTorch eager");
        }
        var last = models[^1];
        collector.Add(() => OrtPeerRows.ManagedApiInference(root, last.Arch, last.Batch, last.Frames, last.Size, threads, iterations), $"{last.Arch} inference {last.Shape}", ManagedApiPeer.PeerName);
        if (!ortOnly)
        {
            foreach (var m in models)
                foreach (var step in TrainingSteps)
                    collector.Add(() => TrainingStep(m, step, threads, iterations * m.IterationScale, peers), $"{m.Arch} training step, {step.Label} {m.Shape}", "PyTorch eager");
        }
        collector.Add(() => OrtPeerRows.NodeOverhead(root), OrtPeerRows.NodeTask, NodeOverheadPeer.PeerName);
        foreach (var (model, runs) in new[] { (OverheadModel.Add(), 20_000), (OverheadModel.Conv3d(), 2_000) })
        {
            collector.AddRows(() => OrtPeerRows.ManagedApiOverhead(root, model, runs),
                (OrtPeerRows.OverheadTask(model, "Run"), ManagedApiPeer.PeerName), (OrtPeerRows.OverheadTask(model, "IoBinding"), ManagedApiPeer.PeerName));
        }

        var rows = collector.Rows;
        var title = string.Create(CultureInfo.InvariantCulture, $"OnnxVideo vs peers ({string.Join(", ", models.Select(m => $"{m.Arch} {m.Shape}"))}, {threads} threads)");
        Console.WriteLine();
        Console.WriteLine($"{"task",-60} {"peer",-17} {"ours",10} {"peer",10} {"ours÷peer",10} {"peak ours",10} {"peak peer",10}  faster");
        foreach (var r in rows)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Task,-60} {r.Peer,-17} {PeerChart.Seconds(r.OursSeconds),10} {PeerChart.Seconds(r.PeerSeconds),10} {(r.Ratio is { } q ? q.ToString("0.00", CultureInfo.InvariantCulture) : "n/a"),10} {PeerChart.Bytes(r.OursPeakBytes),10} {PeerChart.Bytes(r.PeerPeakBytes),10}  {r.Faster}{(r.Note.Length > 0 ? "  " + r.Note : "")}"));
        }
        var results = Path.Combine(Environment.CurrentDirectory, "BenchmarkDotNet.Artifacts", "results");
        Directory.CreateDirectory(results);
        File.WriteAllText(Path.Combine(results, "peers.md"), PeerChart.Markdown(title, rows));
        File.WriteAllText(Path.Combine(results, "peers.svg"), PeerChart.Svg(title, rows));
        Console.WriteLine($"written {Path.Combine(results, "peers.md")} and peers.svg");
        return rows.Any(r => r.Ratio is null && !r.Skipped) ? 1 : 0;
    }

    private static readonly (Func<DecodeBenchmarks, Task> Read, string Task)[] DecodeRows =
    [
        (b => b.DecodeAndPreprocess(), "decode+sample+preprocess 16×112² (probe once)"),
        (b => b.ReadTestSample(), "decode+sample+preprocess 16×112² (test read, unprobed)"),
        (b => b.ReadTrainingSampleOneProcess(), "training read 16×112², unprobed (one ffmpeg)"),
    ];

    private static PeerRow Decode(int iterations, Func<DecodeBenchmarks, Task> read, string task)
    {
        var benchmark = new DecodeBenchmarks();
        benchmark.Setup();
        var (ours, peer) = PeerTiming.AlternatingMedianSeconds(() => read(benchmark).GetAwaiter().GetResult(), benchmark.FfmpegToNull,
            2, 4 * iterations + 1);
        return new PeerRow(task, "ffmpeg -f null", ours, peer, "10 s 640×360 h264, 1 decoder thread each, in turns");
    }

    private static PeerRow Inference(PeerModelCase m, int threads, int iterations, string peers) =>
        InTurns($"{m.Arch} inference {m.Shape}", "inference", m, "", false, threads, iterations, "", () =>
            PeerTiming.TryPython(Path.Combine(peers, "torch_peer.py"), "seconds_per_iter", "--arch", m.Arch, "--mode", "forward",
                "--batch", $"{m.Batch}", "--frames", $"{m.Frames}", "--size", $"{m.Size}", "--classes", "10", "--threads", $"{threads}",
                "--iters", $"{iterations}", "--warmup", "1"));

    /// <summary>A model row: our process and the PyTorch peer in turns, <see cref="PeerModelCase.Rounds"/> times; medians
    /// of each side's times, the highest peaks. A peer that cannot run leaves its failure as the note.</summary>
    private static PeerRow InTurns(string task, string kind, PeerModelCase m, string tuning, bool frozenBatchNorm, int threads,
        int iterations, string note, Func<(double? Seconds, long? PeakBytes, string Failure)> peer)
    {
        var peers = new List<(double? Seconds, long? PeakBytes, string Failure)>();
        var ours = OwnProcessRow.MeasureInTurns(kind, m, tuning, frozenBatchNorm, threads, iterations, m.Rounds, () =>
        {
            peers.Add(peer());
            return peers[^1].Seconds is not null;
        });
        var failure = peers.Select(p => p.Failure).FirstOrDefault(f => f.Length > 0);
        var rounds = m.Rounds > 1 ? $"median of {m.Rounds} rounds in turns" : "";
        return new PeerRow(task, "PyTorch eager", PeerTiming.Median(ours.Select(o => o.Seconds).ToList()),
            failure is null ? PeerTiming.Median(peers.Select(p => p.Seconds!.Value).ToList()) : null,
            failure ?? string.Join("; ", new[] { note, rounds }.Where(t => t.Length > 0)))
        {
            OursPeakBytes = ours.Max(o => o.PeakBytes),
            PeerPeakBytes = peers.Max(p => p.PeakBytes),
        };
    }

    /// <summary>The zoo's tiny3d at the shape its own rows were first measured at (issue 17's table); its steps take
    /// 5–60 ms, so both sides time 20 times as many of them as the large models' rows, in 3 rounds in turns.</summary>
    private static readonly PeerModelCase Tiny3dCase = new("tiny3d", 8, 8, 64) { IterationScale = 20, Rounds = 3 };

    /// <summary>Our tuning spec (BatchNorm frozen or as the package compiles it), the PyTorch peer's flags, label and note.</summary>
    private static readonly (string Tuning, bool FrozenBatchNorm, string[] Torch, string Label, string Note)[] TrainingSteps =
    [
        ("full", false, ["--tune", "full"], "full", "AdamW, BatchNorm trained (batch statistics) on both sides"),
        ("full", true, ["--tune", "full", "--batchnorm", "frozen"], "full, BatchNorm frozen", "AdamW, every parameter trained, BatchNorm on running statistics on both sides"),
        ("head", false, ["--tune", "head"], "head", "AdamW, BatchNorm frozen on both sides"),
        ("lora", false, ["--tune", "lora"], "LoRA r=8", "AdamW, LoRA r=8 alpha 16 on every Conv3d + the head, BatchNorm frozen on both sides"),
    ];

    private static PeerRow TrainingStep(PeerModelCase m, (string Tuning, bool FrozenBatchNorm, string[] Torch, string Label, string Note) step,
        int threads, int iterations, string peers) =>
        InTurns($"{m.Arch} training step, {step.Label} {m.Shape}", "step", m, step.Tuning, step.FrozenBatchNorm, threads, iterations,
            step.Note, () => PeerTiming.TryPython(Path.Combine(peers, "torch_training_step.py"), "seconds_per_step",
                ["--arch", m.Arch, .. step.Torch, "--batch", $"{m.Batch}", "--frames", $"{m.Frames}", "--size", $"{m.Size}",
                    "--classes", "10", "--threads", $"{threads}", "--iters", $"{iterations}"]));

    private static int IntOption(string[] args, string name, int fallback)
    {
        var text = StringOption(args, name, null);
        if (text is null)
        {
            return fallback;
        }
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new ArgumentException($"{name}: expected a positive integer, got '{text}'");
    }

    private static string StringOption(string[] args, string name, string? fallback)
    {
        var i = Array.IndexOf(args, name);
        if (i < 0)
        {
            return fallback!;
        }
        return i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{name} needs a value");
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
