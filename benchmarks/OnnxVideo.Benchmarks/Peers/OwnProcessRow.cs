using System.Globalization;
using System.Text.Json;
using OnnxVideo.Models.Zoo;
using OnnxVideo.Onnx;
using OnnxVideo.Ort;
using OnnxVideo.Runtime;

namespace OnnxVideo.Benchmarks.Peers;

/// <summary>
/// Our side of a model row in a process of its own (<c>OnnxVideo.Benchmarks peer-row inference|step ARCH TUNING BATCH
/// FRAMES SIZE auto|frozen THREADS ITERS</c>), so that its peak resident memory is, like the Python peer's, the
/// high-water mark of a fresh process: runtime, model, session and the timed runs, and nothing of earlier rows.
/// </summary>
internal static class OwnProcessRow
{
    public static (double Seconds, long PeakBytes) Measure(string kind, PeerModelCase m, string tuning, bool frozenBatchNorm, int threads, int iterations)
    {
        string[] arguments = [typeof(OwnProcessRow).Assembly.Location, "peer-row", kind, m.Arch, tuning, $"{m.Batch}", $"{m.Frames}",
            $"{m.Size}", frozenBatchNorm ? "frozen" : "auto", $"{threads}", $"{iterations}"];
        using var json = PeerProcess.RunJson("dotnet", arguments, $"our {kind} row for {m.Arch}");
        return (json.RootElement.GetProperty("seconds").GetDouble(), json.RootElement.GetProperty("peak_rss_bytes").GetInt64());
    }

    public static int Run(string[] args)
    {
        int Int(int i) => int.Parse(args[i], CultureInfo.InvariantCulture);
        var (kind, m) = (args[0], new PeerModelCase(args[1], Int(3), Int(4), Int(5)));
        var (tuning, frozen, threads, iterations) = (args[2], args[6] == "frozen", Int(7), Int(8));
        var seconds = kind == "inference" ? Inference(m, threads, iterations) : Step(m, tuning, frozen, threads, iterations);
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object> { ["seconds"] = seconds, ["peak_rss_bytes"] = PeakMemory.PeakBytes() }));
        return 0;
    }

    private static double Inference(PeerModelCase m, int threads, int iterations)
    {
        // The model is opened from a file as VideoClassifier opens one on the CPU provider (3-D convolutions lowered
        // in memory at load), so the row's peak memory is that of a user's classifier rather than of the zoo build.
        var path = Path.Combine(Path.GetTempPath(), $"onnxvideo-peer-{m.Arch}-{Guid.NewGuid():N}.onnx");
        OnnxModelFile.Save(ModelZoo.Build(m.Arch, new ZooOptions { Classes = 10, Frames = m.Frames, Size = m.Size, Seed = 0 }), path);
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        OrtSession session;
        try
        {
            var options = new OrtSessionOptions { IntraOpThreads = threads, InterOpThreads = 1 };
            session = CpuConvolutionLowering.Open(path, p => new OrtSession(p, options));
        }
        finally
        {
            File.Delete(path);
        }
        using var _ = session;
        var random = new Random(0);
        var video = new float[m.Batch * 3 * m.Frames * m.Size * m.Size];
        for (var i = 0; i < video.Length; i++)
        {
            video[i] = (float)(random.NextDouble() * 2 - 1);
        }
        using var input = OrtValue.CreateTensor(video, m.Batch, 3, m.Frames, m.Size, m.Size);
        return PeerTiming.MedianSeconds(() =>
        {
            foreach (var output in session.Run([ModelZoo.InputName], [input]))
            {
                output.Dispose();
            }
        }, 1, iterations);
    }

    private static double Step(PeerModelCase m, string tuning, bool frozenBatchNorm, int threads, int iterations)
    {
        var benchmark = new TrainingStepBenchmarks
        {
            Case = $"{m.Arch}:{tuning}:{m.Batch}:{m.Frames}:{m.Size}{(frozenBatchNorm ? ":frozen" : "")}",
            Threads = threads,
        };
        benchmark.Setup();
        try
        {
            return PeerTiming.MedianSeconds(benchmark.TrainStep, 1, iterations);
        }
        finally
        {
            benchmark.Cleanup();
        }
    }
}
