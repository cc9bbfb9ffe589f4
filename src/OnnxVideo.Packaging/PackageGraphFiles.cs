namespace OnnxVideo.Packaging;

/// <summary>File names (relative to the package folder) of the graphs and tensor files of a training package.</summary>
public sealed record PackageGraphFiles
{
    /// <summary>Forward + loss + backward + optimizer update.</summary>
    public string TrainStep { get; init; } = "train_step.onnx";
    /// <summary>Forward: logits and loss.</summary>
    public string Eval { get; init; } = "eval.onnx";
    /// <summary>Forward + loss + backward: loss, logits and one gradient per parameter (for accumulation).</summary>
    public string Gradients { get; init; } = "grads.onnx";
    /// <summary>The optimizer update alone, taking parameters, gradients and state.</summary>
    public string Optimizer { get; init; } = "optimizer.onnx";
    /// <summary>Forward + loss + d loss / d video with the current weights (adversarial training); null when not compiled.</summary>
    public string? InputGradient { get; init; }
    public string Trainable { get; init; } = "trainable.safetensors";
    public string OptimizerState { get; init; } = "optimizer_state.safetensors";
    /// <summary>Frozen weights, stored once; the graphs reference them as ONNX external data (offsets into this file).</summary>
    public string Frozen { get; init; } = "frozen.safetensors";
}
