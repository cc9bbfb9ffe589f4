using OnnxVideo.Packaging;
using OnnxVideo.Ort;

namespace OnnxVideo.Export.Tests.PackageSupport;

/// <summary>
/// Steps a package's train_step graph on ORT with parameters, optimizer state and running statistics held in managed arrays, feeding
/// each step's updated outputs back as the next step's inputs (a minimal stand-in for the training component).
/// </summary>
internal sealed class PackageStepper : IDisposable
{
    private readonly TrainingPackage package;
    private readonly OrtSession session;

    public PackageStepper(TrainingPackage package, int threads = 2, string? graphPath = null)
    {
        this.package = package;
        session = new OrtSession(graphPath ?? package.TrainStepPath, new OrtSessionOptions { IntraOpThreads = threads, InterOpThreads = 1 });
        var stored = package.ReadTrainable();
        Parameters = package.Parameters.ToDictionary(p => p.Name, p => stored[p.Name]);
        Buffers = package.Buffers.ToDictionary(b => b.Name, b => stored[b.Name]);
        using var state = package.OpenOptimizerState();
        State = package.Parameters.SelectMany(p => p.State).ToDictionary(s => s.Name, s => state.ReadFloats(s.Name));
    }

    public Dictionary<string, float[]> Parameters { get; }
    public Dictionary<string, float[]> State { get; }
    /// <summary>BatchNormalization running statistics updated by each step.</summary>
    public Dictionary<string, float[]> Buffers { get; }

    /// <summary>Takes the steps in order (step numbers 1, 2, …) and returns each step's loss and gradient norm.</summary>
    public (List<float> Losses, List<float> Norms) StepAll(IReadOnlyList<GraphReference.Step> steps)
    {
        var (losses, norms) = (new List<float>(), new List<float>());
        for (var k = 0; k < steps.Count; k++)
        {
            var (loss, norm, _) = Step(steps[k].Video, steps[k].Shape, steps[k].Labels, steps[k].LearningRate, k + 1, steps[k].Clip, steps[k].Targets, steps[k].DropoutSeed);
            losses.Add(loss);
            norms.Add(norm);
        }
        return (losses, norms);
    }

    /// <summary>
    /// One step; the package's soft-target input gets <paramref name="targets"/> (default: one-hot rows of the labels),
    /// and a package with dropout gets <paramref name="dropoutSeed"/> (default 1) as its dropout_seed.
    /// </summary>
    public (float Loss, float GradientNorm, float[] Logits) Step(float[] video, long[] videoShape, long[] labels, float lr, int step, float clip,
        float[]? targets = null, long? dropoutSeed = null)
    {
        var io = package.Io;
        var names = new List<string> { io.Video, io.Targets ?? io.Labels };
        var values = new List<OrtValue>
        {
            OrtValue.CreateTensor(video, videoShape),
            io.Targets is null
                ? OrtValue.CreateTensor(labels, labels.Length)
                : OrtValue.CreateTensor(targets ?? OneHot(labels, package.Manifest.ClassCount), labels.Length, package.Manifest.ClassCount),
        };
        return Run(names, values, lr, step, clip, dropoutSeed);
    }

    /// <summary>One step of a captioning package: teacher-forced <paramref name="tokens"/> and <paramref name="targetTokens"/> [N, L].</summary>
    public (float Loss, float GradientNorm, float[] Logits) StepCaption(float[] video, long[] videoShape, long[] tokens, long[] targetTokens, long[] tokenShape,
        float lr, int step, float clip)
    {
        var io = package.Io;
        var names = new List<string> { io.Video, io.Tokens!, io.TargetTokens! };
        var values = new List<OrtValue>
        {
            OrtValue.CreateTensor(video, videoShape),
            OrtValue.CreateTensor(tokens, tokenShape),
            OrtValue.CreateTensor(targetTokens, tokenShape),
        };
        return Run(names, values, lr, step, clip, dropoutSeed: null);
    }

    private (float Loss, float GradientNorm, float[] Logits) Run(List<string> names, List<OrtValue> values, float lr, int step, float clip, long? dropoutSeed)
    {
        var io = package.Io;
        names.AddRange([io.LearningRate, io.Step, io.ClipNorm]);
        values.AddRange([OrtValue.CreateTensor(new[] { lr }), OrtValue.CreateTensor(new[] { (float)step }), OrtValue.CreateTensor(new[] { clip })]);
        if (io.DropoutSeed is not null)
        {
            names.Add(io.DropoutSeed);
            values.Add(OrtValue.CreateTensor(new[] { dropoutSeed ?? 1L }));
        }
        var outputs = new List<string> { io.Loss, io.GradientNorm, io.Logits };
        foreach (var p in package.Parameters)
        {
            names.Add(p.Name);
            values.Add(OrtValue.CreateTensor(Parameters[p.Name], p.Shape));
            outputs.Add(p.Updated);
            foreach (var s in p.State)
            {
                names.Add(s.Name);
                values.Add(OrtValue.CreateTensor(State[s.Name], p.Shape));
                outputs.Add(s.Updated);
            }
        }
        foreach (var b in package.Buffers)
        {
            names.Add(b.Name);
            values.Add(OrtValue.CreateTensor(Buffers[b.Name], b.Shape));
            outputs.Add(b.Updated);
        }
        var results = session.Run(names, values, outputs);
        try
        {
            var k = 3;
            foreach (var p in package.Parameters)
            {
                Parameters[p.Name] = results[k++].ToArray<float>();
                foreach (var s in p.State)
                {
                    State[s.Name] = results[k++].ToArray<float>();
                }
            }
            foreach (var b in package.Buffers)
            {
                Buffers[b.Name] = results[k++].ToArray<float>();
            }
            return (results[0].ToArray<float>()[0], results[1].ToArray<float>()[0], results[2].ToArray<float>());
        }
        finally
        {
            foreach (var v in values.Concat(results))
            {
                v.Dispose();
            }
        }
    }

    public static float[] OneHot(long[] labels, int classes)
    {
        var rows = new float[labels.Length * classes];
        for (var i = 0; i < labels.Length; i++)
        {
            rows[i * classes + labels[i]] = 1f;
        }
        return rows;
    }

    public void Dispose() => session.Dispose();
}
