using BenchmarkDotNet.Attributes;
using OnnxVideo.Packaging.Optimizers;
using OnnxVideo.Packaging;
using OnnxVideo.Models.Compilation;
using OnnxVideo.Models.Tuning;
using OnnxVideo.Models.Zoo;

namespace OnnxVideo.Benchmarks;

/// <summary>
/// One compiled training step (forward + cross-entropy + backward + AdamW) of a zoo model on ORT CPU; BatchNorm trains
/// with batch statistics when its parameters do (full) and is frozen otherwise (head). Parameters, optimizer state and
/// running statistics bound through IoBinding with preallocated outputs. The PyTorch eager peer for the
/// same model, batch, tuning and threads: benchmarks/peers/torch_training_step.py. Runs in-process: a step takes
/// 0.1–10 s, and building a separate harness only adds minutes.
/// </summary>
[Config(typeof(LongStepInProcessConfig))]
public class TrainingStepBenchmarks
{
    private string directory = "";
    private PackageStepRunner? runner;

    /// <summary>architecture:tuning:batch:frames:size[:frozen] (frozen: BatchNorm on running statistics however tuned).</summary>
    [Params("tiny3d:full:8:8:64", "r3d_18:head:2:8:112", "r3d_18:full:2:8:112", "r2plus1d_18:head:2:16:112", "r2plus1d_18:full:1:16:112")]
    public string Case { get; set; } = "";

    [Params(2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var parts = Case.Split(':');
        var (arch, tuning, batch, frames, size) = (parts[0], parts[1], int.Parse(parts[2]), int.Parse(parts[3]), int.Parse(parts[4]));
        directory = Directory.CreateTempSubdirectory("onnxvideo-bench-train-").FullName;
        WritePackage(arch, tuning, frames, size, parts is [.., "frozen"], directory);
        runner = new PackageStepRunner(directory, batch, Threads);
    }

    /// <summary>The package of a case: a zoo model with 10 classes, AdamW; BatchNorm frozen when asked, else as the tuning compiles it.</summary>
    internal static void WritePackage(string arch, string tuning, int frames, int size, bool frozenBatchNorm, string directory)
    {
        var model = ModelZoo.Build(arch, new ZooOptions { Classes = 10, Frames = frames, Size = size, Seed = 0 });
        TrainingPackageWriter.Write(model, new TrainingPackageOptions
        {
            Tuning = TuningSpec.Parse(tuning),
            BatchNorm = frozenBatchNorm ? BatchNormMode.Frozen : BatchNormMode.Auto,
            Optimizer = OptimizerSettings.DefaultFor(OptimizerKind.AdamW),
        }, directory);
    }

    [Benchmark]
    public void TrainStep() => runner!.Step();

    [GlobalCleanup]
    public void Cleanup()
    {
        runner?.Dispose();
        Directory.Delete(directory, recursive: true);
    }
}
