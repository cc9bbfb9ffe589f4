using System.Globalization;
using System.Text.Json;
using OnnxVideo.Models.Zoo;
using OnnxVideo.Onnx;
using OnnxVideo.Ort;
using OnnxVideo.Runtime;
using OnnxVideo.Training.Packages;
using OnnxVideo.Training.Sessions;

namespace OnnxVideo.Benchmarks.Peers;

/// <summary>
/// Our side of a model row in a process of its own (<c>OnnxVideo.Benchmarks peer-row inference|step DIR BATCH
/// THREADS ITERS [PROFILE_PREFIX]</c>, the prefix writing ORT's profile of the session or train step), so that its
/// peak resident memory is, like the Python peer's, the high-water mark of a fresh process. As a user's would: the
/// harness writes the model (DIR/model.onnx) or the training package (DIR) first, as <c>onnxvideo-export</c> does in a
/// process of its own, and the row process loads it, as <c>onnxvideo classify</c> or <c>onnxvideo train</c> does:
/// runtime, session or <see cref="TrainingSession"/> (double-buffered weights, the optimizer state in place), and the
/// timed runs, but not the compiler's memory.
/// </summary>
internal static class OwnProcessRow
{
    /// <summary>Writes the row's model or package, then times it in <paramref name="rounds"/> fresh processes, each
    /// followed by <paramref name="between"/> (the peer's turn); our times and peaks, one per round.</summary>
    public static IReadOnlyList<(double Seconds, long PeakBytes)> MeasureInTurns(string kind, PeerModelCase m, string tuning,
        bool frozenBatchNorm, int threads, int iterations, int rounds, Func<bool> between)
    {
        var directory = Directory.CreateTempSubdirectory("onnxvideo-peer-row-").FullName;
        try
        {
            if (kind == "inference")
            {
                var model = ModelZoo.Build(m.Arch, new ZooOptions { Classes = 10, Frames = m.Frames, Size = m.Size, Seed = 0 });
                OnnxModelFile.Save(model, Path.Combine(directory, "model.onnx"));
            }
            else
            {
                TrainingStepBenchmarks.WritePackage(m.Arch, tuning, m.Frames, m.Size, frozenBatchNorm, directory);
            }
            string[] arguments = [typeof(OwnProcessRow).Assembly.Location, "peer-row", kind, directory, $"{m.Batch}", $"{threads}", $"{iterations}"];
            var measured = new List<(double, long)>();
            for (var round = 0; round < rounds; round++)
            {
                using var json = PeerProcess.RunJson("dotnet", arguments, $"our {kind} row for {m.Arch}");
                measured.Add((json.RootElement.GetProperty("seconds").GetDouble(), json.RootElement.GetProperty("peak_rss_bytes").GetInt64()));
                if (!between())
                {
                    break;
                }
            }
            return measured;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    public static int Run(string[] args)
    {
        int Int(int i) => int.Parse(args[i], CultureInfo.InvariantCulture);
        var (kind, directory, batch, threads, iterations) = (args[0], args[1], Int(2), Int(3), Int(4));
        var profile = args.Length > 5 ? args[5] : null;
        var seconds = kind == "inference" ? Inference(directory, batch, threads, iterations, profile) : Step(directory, batch, threads, iterations, profile);
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object> { ["seconds"] = seconds, ["peak_rss_bytes"] = PeakMemory.PeakBytes() }));
        return 0;
    }

    private static double Inference(string directory, int batch, int threads, int iterations, string? profileFilePrefix)
    {
        // Opened as VideoClassifier opens a model on the CPU provider (3-D convolutions lowered in memory at load).
        var options = new OrtSessionOptions { IntraOpThreads = threads, InterOpThreads = 1, ProfileFilePrefix = profileFilePrefix };
        using var session = CpuConvolutionLowering.Open(Path.Combine(directory, "model.onnx"), p => new OrtSession(p, options));
        var shape = session.Inputs.Single(i => i.Name == ModelZoo.InputName).Shape.Skip(1).ToArray();
        using var input = OrtValue.CreateTensor(RandomClips(batch * (int)shape.Aggregate(1L, (a, b) => a * b)), [batch, .. shape]);
        return PeerTiming.MedianSeconds(() =>
        {
            foreach (var output in session.Run([ModelZoo.InputName], [input]))
            {
                output.Dispose();
            }
        }, 1, iterations);
    }

    private static double Step(string directory, int batch, int threads, int iterations, string? profileFilePrefix)
    {
        using var session = TrainingSession.Open(PackageLayouts.Load(directory),
            new TrainingSessionOptions { IntraOpThreads = threads, ProfileFilePrefix = profileFilePrefix });
        var video = RandomClips(batch * session.SampleElements);
        var labels = Enumerable.Range(0, batch).Select(i => i % session.ClassCount).ToArray();
        return PeerTiming.MedianSeconds(() => session.TrainStep(video, labels), 1, iterations);
    }

    private static float[] RandomClips(int length)
    {
        var random = new Random(0);
        var video = new float[length];
        for (var i = 0; i < video.Length; i++)
        {
            video[i] = (float)(random.NextDouble() * 2 - 1);
        }
        return video;
    }
}
