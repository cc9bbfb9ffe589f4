using OnnxVideo.Ort;
using OnnxVideo.Packaging;
using OnnxVideo.Training.Sessions;

namespace OnnxVideo.Benchmarks;

/// <summary>
/// The compiled training step of one package, ready to run: a seeded random clip batch, labels (or their one-hot soft targets), parameters,
/// optimizer state and running statistics bound through IoBinding with preallocated outputs. With
/// <c>shareFrozen</c> the frozen weights are given to the session as the trainer gives them (<see cref="SharedInitializers"/>:
/// AddInitializer, the transpose optimizer off) instead of being read from the model's external data.
/// </summary>
public sealed class PackageStepRunner : IDisposable
{
    private readonly OrtSession session;
    private readonly OrtIoBinding binding;
    private readonly List<OrtValue> values = [];
    private readonly SharedInitializers? frozen;

    public PackageStepRunner(string packageDirectory, int batch, int threads, Action<OrtSessionOptions>? configure = null, bool shareFrozen = false,
        Action<string>? report = null, bool nchwcConvolutions = true)
    {
        var package = TrainingPackage.Load(packageDirectory, verifyHashes: false);
        var clip = package.Io.VideoShape.Skip(1).Select(long.Parse).ToArray();
        int classes = package.Manifest.ClassCount;
        // As TrainingSession opens its graphs (memory pattern off, NCHWc convolutions on the CPU: issue 17).
        var options = new OrtSessionOptions { IntraOpThreads = threads, InterOpThreads = 1, EnableMemoryPattern = false };
        configure?.Invoke(options);
        if (shareFrozen)
        {
            frozen = new SharedInitializers(package.FrozenPath);
            frozen.AddTo(options, package.TrainStepPath);
        }
        session = CpuTrainingGraphs.Open(package.TrainStepPath, options, nchwcConvolutions);
        report?.Invoke("session");
        binding = session.CreateIoBinding();
        var random = new Random(0);
        var video = new float[batch * clip.Aggregate(1L, (a, b) => a * b)];
        for (var i = 0; i < video.Length; i++) video[i] = (float)(random.NextDouble() * 2 - 1);
        Bind(package.Io.Video, OrtValue.CreateTensor(video, [batch, .. clip]));
        var labels = Enumerable.Range(0, batch).Select(i => (long)(i % classes)).ToArray();
        if (package.Io.Targets is { } targets)
        {
            // Packages with soft targets (for mixup) train on one-hot rows of the labels.
            var oneHot = new float[batch * classes];
            for (var i = 0; i < batch; i++) oneHot[i * classes + labels[i]] = 1f;
            Bind(targets, OrtValue.CreateTensor(oneHot, batch, classes));
        }
        else
        {
            Bind(package.Io.Labels, OrtValue.CreateTensor(labels, batch));
        }
        Bind(package.Io.LearningRate, OrtValue.CreateTensor(new[] { 1e-3f }));
        Bind(package.Io.Step, OrtValue.CreateTensor(new[] { 1f }));
        Bind(package.Io.ClipNorm, OrtValue.CreateTensor(new[] { 0f }));
        BindOutput(package.Io.Loss, OrtValue.CreateTensor(new float[1]));
        BindOutput(package.Io.GradientNorm, OrtValue.CreateTensor(new float[1]));
        BindOutput(package.Io.Logits, OrtValue.CreateTensor(new float[batch * classes], batch, classes));
        var stored = package.ReadTrainable();
        foreach (var p in package.Parameters)
        {
            var length = stored[p.Name].Length;
            Bind(p.Name, OrtValue.CreateTensor(stored[p.Name], p.Shape));
            BindOutput(p.Updated, OrtValue.CreateTensor(new float[length], p.Shape));
            foreach (var s in p.State)
            {
                // Written, as a session loads the package's state: untouched zero pages would not count as resident.
                var state = new float[length];
                Array.Fill(state, 0f);
                var stateValue = OrtValue.CreateTensor(state, p.Shape);
                Bind(s.Name, stateValue);
                if (package.Manifest.OptimizerStateGuarded)
                {
                    // In place, as TrainingSession keeps a guarded state.
                    binding.BindOutput(s.Updated, stateValue);
                    continue;
                }
                BindOutput(s.Updated, OrtValue.CreateTensor(new float[length], p.Shape));
            }
        }
        foreach (var b in package.Buffers)
        {
            Bind(b.Name, OrtValue.CreateTensor(stored[b.Name], b.Shape));
            BindOutput(b.Updated, OrtValue.CreateTensor(new float[stored[b.Name].Length], b.Shape));
        }
        report?.Invoke("bound");
    }

    public void Step() => session.RunWithBinding(binding);

    /// <summary>The statistics of the session's CPU arena (empty without one).</summary>
    internal IReadOnlyDictionary<string, string> ArenaStatistics()
    {
        using var allocator = session.CreateAllocator(OrtMemoryInfo.Cpu);
        return allocator.GetStatistics();
    }

    public void Dispose()
    {
        binding.Dispose();
        session.Dispose();
        foreach (var v in values) v.Dispose();
        frozen?.Dispose();
    }

    private void Bind(string name, OrtValue value)
    {
        values.Add(value);
        binding.BindInput(name, value);
    }

    private void BindOutput(string name, OrtValue value)
    {
        values.Add(value);
        binding.BindOutput(name, value);
    }
}
