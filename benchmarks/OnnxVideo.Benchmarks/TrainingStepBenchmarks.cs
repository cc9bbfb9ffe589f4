using BenchmarkDotNet.Attributes;
using OnnxVideo.Packaging.Optimizers;
using OnnxVideo.Packaging;
using OnnxVideo.Models.Compilation;
using OnnxVideo.Models.Tuning;
using OnnxVideo.Models.Zoo;
using OnnxVideo.Ort;

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
    private OrtSession? session;
    private OrtIoBinding? binding;
    private readonly List<OrtValue> values = [];

    /// <summary>architecture:tuning:batch:frames:size.</summary>
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
        var model = ModelZoo.Build(arch, new ZooOptions { Classes = 10, Frames = frames, Size = size, Seed = 0 });
        TrainingPackageWriter.Write(model, new TrainingPackageOptions
        {
            Tuning = TuningSpec.Parse(tuning),
            Optimizer = OptimizerSettings.DefaultFor(OptimizerKind.AdamW),
        }, directory);
        var package = TrainingPackage.Load(directory, verifyHashes: false);
        session = new OrtSession(package.TrainStepPath, new OrtSessionOptions { IntraOpThreads = Threads, InterOpThreads = 1 });
        binding = session.CreateIoBinding();
        var random = new Random(0);
        var video = new float[batch * 3 * frames * size * size];
        for (var i = 0; i < video.Length; i++)
        {
            video[i] = (float)(random.NextDouble() * 2 - 1);
        }
        Bind(package.Io.Video, OrtValue.CreateTensor(video, batch, 3, frames, size, size));
        Bind(package.Io.Labels, OrtValue.CreateTensor(Enumerable.Range(0, batch).Select(i => (long)(i % 10)).ToArray(), batch));
        Bind(package.Io.LearningRate, OrtValue.CreateTensor(new[] { 1e-3f }));
        Bind(package.Io.Step, OrtValue.CreateTensor(new[] { 1f }));
        Bind(package.Io.ClipNorm, OrtValue.CreateTensor(new[] { 0f }));
        BindOutput(package.Io.Loss, OrtValue.CreateTensor(new float[1]));
        BindOutput(package.Io.GradientNorm, OrtValue.CreateTensor(new float[1]));
        BindOutput(package.Io.Logits, OrtValue.CreateTensor(new float[batch * 10], batch, 10));
        var stored = package.ReadTrainable();
        foreach (var p in package.Parameters)
        {
            var length = stored[p.Name].Length;
            Bind(p.Name, OrtValue.CreateTensor(stored[p.Name], p.Shape));
            BindOutput(p.Updated, OrtValue.CreateTensor(new float[length], p.Shape));
            foreach (var s in p.State)
            {
                Bind(s.Name, OrtValue.CreateTensor(new float[length], p.Shape));
                BindOutput(s.Updated, OrtValue.CreateTensor(new float[length], p.Shape));
            }
        }
        foreach (var b in package.Buffers)
        {
            Bind(b.Name, OrtValue.CreateTensor(stored[b.Name], b.Shape));
            BindOutput(b.Updated, OrtValue.CreateTensor(new float[stored[b.Name].Length], b.Shape));
        }
    }

    [Benchmark]
    public void TrainStep() => session!.RunWithBinding(binding!);

    [GlobalCleanup]
    public void Cleanup()
    {
        binding?.Dispose();
        session?.Dispose();
        foreach (var v in values)
        {
            v.Dispose();
        }
        Directory.Delete(directory, recursive: true);
    }

    private void Bind(string name, OrtValue value)
    {
        values.Add(value);
        binding!.BindInput(name, value);
    }

    private void BindOutput(string name, OrtValue value)
    {
        values.Add(value);
        binding!.BindOutput(name, value);
    }
}
