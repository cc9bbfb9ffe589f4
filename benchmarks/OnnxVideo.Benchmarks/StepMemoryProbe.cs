using System.Globalization;
using OnnxVideo.Training.Packages;
using OnnxVideo.Training.Sessions;

namespace OnnxVideo.Benchmarks;

/// <summary>
/// <c>step-memory PACKAGE[@options] [--batch 2] [--threads 2] [--steps 3] [--training-session [--memory-pattern]]</c>:
/// where a training step's resident memory goes, in this fresh process: VmRSS, VmHWM, anonymous and file-backed
/// resident memory and the GC heap after opening the package's train-step session, after binding its inputs and
/// outputs, after each step, and the CPU arena's statistics (issue 17's memory goal). Session options as for
/// <c>step-time</c>. With --training-session the product's <see cref="TrainingSession"/> runs the steps instead of
/// <see cref="PackageStepRunner"/> (--memory-pattern: with ORT's memory pattern, as before issue 17).
/// </summary>
public static class StepMemoryProbe
{
    public static int Run(string[] args)
    {
        int Option(string name, int fallback) =>
            Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
        var (batch, threads, steps) = (Option("--batch", 2), Option("--threads", 2), Option("--steps", 3));
        Report("start");
        if (args.Contains("--training-session"))
        {
            return RunTrainingSession(args[0], batch, threads, steps, args.Contains("--memory-pattern"));
        }
        using var runner = new PackageStepRunner(args[0].Split('@')[0], batch, threads, PackageStepComparison.SessionVariant(args[0]), report: Report,
            nchwcConvolutions: !args[0].Contains("nchwc=0", StringComparison.Ordinal));
        for (var k = 1; k <= steps; k++)
        {
            runner.Step();
            Report($"step {k}");
        }
        var arena = runner.ArenaStatistics();
        Console.WriteLine("arena: " + string.Join(", ", arena.Select(kv => $"{kv.Key} {(long.TryParse(kv.Value, out var b) && b > 1 << 20 ? $"{b >> 20} MiB" : kv.Value)}")));
        return 0;
    }

    /// <summary>The product's path: <see cref="TrainingSession"/> (double-buffered device-resident weights) and TrainStep.</summary>
    private static int RunTrainingSession(string package, int batch, int threads, int steps, bool memoryPattern)
    {
        using var session = TrainingSession.Open(PackageLayouts.Load(package), new TrainingSessionOptions { IntraOpThreads = threads, MemoryPattern = memoryPattern });
        Report("session");
        var random = new Random(0);
        var video = new float[batch * session.SampleElements];
        for (var i = 0; i < video.Length; i++) video[i] = (float)(random.NextDouble() * 2 - 1);
        var labels = Enumerable.Range(0, batch).Select(i => i % session.ClassCount).ToArray();
        for (var k = 1; k <= steps; k++)
        {
            session.TrainStep(video, labels);
            Report($"step {k}");
        }
        return 0;
    }

    private static void Report(string stage)
    {
        var status = File.ReadLines("/proc/self/status").ToDictionary(l => l.Split(':')[0], l => l.Split(':', 2)[1].Trim());
        var managed = GC.GetTotalMemory(forceFullCollection: false) >> 20;
        Console.WriteLine($"{stage,-16} VmRSS {Mib(status["VmRSS"]),6} MiB  VmHWM {Mib(status["VmHWM"]),6} MiB  anon {Mib(status["RssAnon"]),6} MiB  file {Mib(status["RssFile"]),5} MiB  managed {managed,5} MiB (committed {GC.GetGCMemoryInfo().TotalCommittedBytes >> 20} MiB)");
    }

    private static long Mib(string kilobytes) => long.Parse(kilobytes.Split(' ')[0], CultureInfo.InvariantCulture) >> 10;
}
