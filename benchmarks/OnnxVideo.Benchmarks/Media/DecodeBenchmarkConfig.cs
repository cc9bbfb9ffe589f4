using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace OnnxVideo.Benchmarks.Media;

/// <summary>In-process (the measured work runs in ffmpeg child processes anyway; this avoids BenchmarkDotNet's
/// per-run rebuild, which times out on a busy 2-core machine), one invocation per iteration (each is a whole decode).</summary>
public sealed class DecodeBenchmarkConfig : ManualConfig
{
    public DecodeBenchmarkConfig()
    {
        AddJob(Job.Default
            .WithStrategy(RunStrategy.Monitoring)
            .WithLaunchCount(1)
            .WithWarmupCount(2)
            .WithIterationCount(15)
            .WithToolchain(InProcessEmitToolchain.Instance));
    }
}
