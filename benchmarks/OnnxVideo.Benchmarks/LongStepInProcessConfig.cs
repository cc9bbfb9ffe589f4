using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace OnnxVideo.Benchmarks;

/// <summary>
/// In-process job for operations taking seconds each: one warm-up and five measured single invocations, with a
/// timeout long enough for a full training step of a large video model on two cores.
/// </summary>
public sealed class LongStepInProcessConfig : ManualConfig
{
    public LongStepInProcessConfig() =>
        AddJob(Job.Default
            .WithToolchain(new InProcessEmitToolchain(TimeSpan.FromMinutes(30), logOutput: true))
            .WithWarmupCount(1)
            .WithIterationCount(5)
            .WithInvocationCount(1)
            .WithUnrollFactor(1));
}
