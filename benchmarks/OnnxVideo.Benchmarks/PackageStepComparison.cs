using System.Diagnostics;
using System.Globalization;
using OnnxVideo.Ort;

namespace OnnxVideo.Benchmarks;

/// <summary>
/// <c>step-time PACKAGE... [--batch 2] [--threads 2] [--iters 5]</c>: the training steps of several packages timed
/// in turns (A, B, A, B, …) in one process, so a busy machine slows every package alike; prints each median and its
/// ratio to the first. For A/B measurements of compiler changes: package the same model with both builds. A package
/// may carry session options after '@' (issue 17 lever 4), e.g. <c>pkg@opt=extended,mempattern=0,arena=0,spin=1,spinstop=1,inter=2,mode=parallel</c>;
/// <c>nchwc=0</c> leaves the convolutions off ORT's NCHWc kernels (lever 22); <c>shared=1</c> gives the frozen weights to the session as the trainer does (AddInitializer); <c>profile=PREFIX</c> writes ORT's own profile of that session (Chrome trace JSON, every node's time) when it is disposed.
/// </summary>
public static class PackageStepComparison
{
    public static int Run(string[] args)
    {
        var packages = args.TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
        int Option(string name, int fallback) =>
            Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
        var (batch, threads, iterations) = (Option("--batch", 2), Option("--threads", 2), Option("--iters", 5));
        if (packages.Length == 0)
        {
            Console.Error.WriteLine("usage: step-time PACKAGE... [--batch 2] [--threads 2] [--iters 5]");
            return 2;
        }
        var runners = packages.Select(p => new PackageStepRunner(p.Split('@')[0], batch, threads, SessionVariant(p), p.Contains("shared=1", StringComparison.Ordinal),
            nchwcConvolutions: !p.Contains("nchwc=0", StringComparison.Ordinal))).ToArray();
        try
        {
            foreach (var r in runners) r.Step();
            var times = runners.Select(_ => new List<double>()).ToArray();
            for (int k = 0; k < iterations; k++)
            {
                for (int i = 0; i < runners.Length; i++)
                {
                    var clock = Stopwatch.StartNew();
                    runners[i].Step();
                    times[i].Add(clock.Elapsed.TotalSeconds);
                }
            }
            var medians = times.Select(t => t.Order().ElementAt(t.Count / 2)).ToArray();
            Console.WriteLine($"batch {batch}, {threads} threads, {iterations} alternating steps each, load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
            for (int i = 0; i < packages.Length; i++)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{packages[i]}: median {medians[i]:F3} s ({medians[i] / medians[0]:F2}× the first)"));
            return 0;
        }
        finally
        {
            foreach (var r in runners) r.Dispose();
        }
    }

    private static readonly object ArenaGate = new();
    private static OrtArenaExtendStrategy? registeredArena;

    /// <summary>
    /// envarena=NextPowerOfTwo|SameAsRequested: the session takes the environment's CPU arena, registered with that
    /// extend strategy on first use (once per process, so every package of one run must ask for the same one).
    /// </summary>
    private static void UseEnvironmentArena(OrtSessionOptions options, OrtArenaExtendStrategy strategy)
    {
        lock (ArenaGate)
        {
            if (registeredArena is null)
            {
                OrtEnvironment.Shared.RegisterCpuArena(strategy);
                registeredArena = strategy;
            }
            else if (registeredArena != strategy)
            {
                throw new ArgumentException($"envarena: this process already registered a {registeredArena} arena");
            }
        }
        options.ConfigEntries["session.use_env_allocators"] = "1";
    }

    /// <summary>The session options after '@' in a package argument; null when there are none.</summary>
    internal static Action<OrtSessionOptions>? SessionVariant(string package)
    {
        var at = package.IndexOf('@');
        if (at < 0)
        {
            return null;
        }
        var settings = package[(at + 1)..].Split(',').Select(s => s.Split('=')).ToDictionary(kv => kv[0], kv => kv[1]);
        return options =>
        {
            foreach (var (key, value) in settings)
            {
                switch (key)
                {
                    case "opt": options.OptimizationLevel = Enum.Parse<GraphOptimizationLevel>(value, ignoreCase: true); break;
                    case "mempattern": options.EnableMemoryPattern = value == "1"; break;
                    case "arena": options.EnableCpuMemoryArena = value == "1"; break;
                    case "spin": options.AllowSpinning = value == "1"; break;
                    case "spinstop": options.ConfigEntries["session.force_spinning_stop"] = value; break;
                    case "inter": options.InterOpThreads = int.Parse(value, CultureInfo.InvariantCulture); break;
                    case "intra": options.IntraOpThreads = int.Parse(value, CultureInfo.InvariantCulture); break;
                    case "mode": options.ExecutionMode = Enum.Parse<ExecutionMode>(value, ignoreCase: true); break;
                    case "profile": options.ProfileFilePrefix = value; break;
                    case "shared" or "nchwc": break;
                    case "envarena": UseEnvironmentArena(options, Enum.Parse<OrtArenaExtendStrategy>(value, ignoreCase: true)); break;
                    default: throw new ArgumentException($"unknown session option '{key}' (opt, mempattern, arena, spin, spinstop, inter, intra, mode, profile, shared, nchwc, envarena)");
                }
            }
        };
    }
}
