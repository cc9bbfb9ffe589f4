using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace OnnxVideo.Benchmarks;

/// <summary>
/// In-process (no generated project to build, which times out on a loaded 2-core machine), one warm-up and five
/// measured iterations: enough for operations that take 0.1–1 s each.
/// </summary>
public sealed class InProcessShortConfig : ManualConfig
{
    public InProcessShortConfig()
    {
        AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithLaunchCount(1).WithWarmupCount(1).WithIterationCount(5));
    }
}
