using OnnxVideo.Packaging.Optimizers;
using OnnxVideo.Packaging;
using OnnxVideo.Onnx;

namespace OnnxVideo.Export.Tests.PackageSupport;

/// <summary>
/// Runs the package's eval graph (up to the logits) in PyTorch, op by op, with torch's cross-entropy, autograd and
/// torch.optim for the given steps (BatchNormalization listed in the package's buffers in training mode); returns
/// losses, gradient norms and the path of the final parameters and running statistics.
/// </summary>
internal static class GraphReference
{
    /// <summary>
    /// One step's batch; <paramref name="Targets"/> (N × classes) replaces the one-hot labels in the loss when given;
    /// <paramref name="DropoutSeed"/> is fed to the package's dropout_seed input (and the reference's masks).
    /// </summary>
    public sealed record Step(float[] Video, long[] Shape, long[] Labels, float LearningRate, float Clip, float[]? Targets = null, long? DropoutSeed = null)
    {
        /// <summary>For PyTorch only: mix the batch as timm does (lam; cutmix with box top, bottom, left, right) before the step.</summary>
        public object? Mix { get; init; }
    }

    /// <summary>With <paramref name="emaDecay"/>, also keeps timm's EMA of the weights; the final file then holds "ema/NAME" tensors too.</summary>
    public static (float[] Losses, float[] Norms, string FinalWeights) Run(TrainingPackage package, IReadOnlyList<Step> steps, string workDirectory,
        double? emaDecay = null)
    {
        var (losses, norms, final, _) = RunWithDropout(package, steps, workDirectory, emaDecay);
        return (losses, norms, final);
    }

    /// <summary><see cref="Run"/>, also returning how many elements each dropout site dropped over the steps.</summary>
    public static (float[] Losses, float[] Norms, string FinalWeights, Dictionary<string, long> Dropped) RunWithDropout(
        TrainingPackage package, IReadOnlyList<Step> steps, string workDirectory, double? emaDecay = null)
    {
        var graphJson = Path.Combine(workDirectory, "graph.json");
        var tensors = Path.Combine(workDirectory, "initializers.safetensors");
        GraphDump.Write(OnnxModelFile.Load(package.EvalPath), graphJson, tensors);
        var stepSpecs = steps.Select((s, k) =>
        {
            var path = Path.Combine(workDirectory, $"video{k}.f32");
            var bytes = new byte[s.Video.Length * 4];
            Buffer.BlockCopy(s.Video, 0, bytes, 0, bytes.Length);
            File.WriteAllBytes(path, bytes);
            return s.Mix is not null
                ? (object)new { video = path, shape = s.Shape, labels = s.Labels, lr = s.LearningRate, clip = s.Clip, mix = s.Mix, dropout_seed = s.DropoutSeed }
                : new { video = path, shape = s.Shape, labels = s.Labels, lr = s.LearningRate, clip = s.Clip, dropout_seed = s.DropoutSeed };
        }).ToList();
        var settings = package.Manifest.Optimizer;
        var final = Path.Combine(workDirectory, "torch-final.safetensors");
        var result = PythonReference.Run("graph_reference.py", new
        {
            graph = graphJson,
            initializers = tensors,
            trainable = package.TrainablePath,
            parameter_order = package.Parameters.Select(p => p.Name),
            buffers = package.Buffers.Select(b => b.Name),
            decay = package.Parameters.Select(p => p.WeightDecay),
            optimizer = new
            {
                kind = settings.Kind == OptimizerKind.AdamW ? "adamw" : "sgd",
                weight_decay = settings.WeightDecay,
                beta1 = settings.Beta1,
                beta2 = settings.Beta2,
                eps = settings.Epsilon,
                momentum = settings.Momentum,
                nesterov = settings.Nesterov,
            },
            label_smoothing = package.Manifest.LabelSmoothing,
            classes = package.Manifest.ClassCount,
            ema = emaDecay,
            dropout_sites = package.Manifest.Dropout.Select(d => new { output = d.Output, ratio = d.Ratio, salt = d.Salt }),
            video_name = package.Io.Video,
            logits = package.Io.Logits,
            steps = stepSpecs,
            @out = final,
        });
        var dropped = result["dropped"]!.AsObject().ToDictionary(kv => kv.Key, kv => (long)kv.Value!);
        return (PythonReference.Floats(result["losses"]), PythonReference.Floats(result["norms"]), final, dropped);
    }
}
