namespace OnnxVideo.Packaging;

/// <summary>
/// Graph input and output names shared by the package's graphs. Scalars (lr, step, clip_norm, loss, grad_norm) are
/// float32 rank-0 tensors; labels are int64 [N] class indices; step is the 1-based index of the step being taken.
/// Soft targets are float32 [N, classes] rows of class probabilities (one-hot for plain labels, mixed by mixup/cutmix).
/// </summary>
internal sealed record PackageIoNames
{
    public string Video { get; init; } = "video";
    /// <summary>The video input's shape; symbolic dimensions are names such as "N".</summary>
    public string[] VideoShape { get; init; } = [];
    public string Labels { get; init; } = "labels";
    /// <summary>
    /// The soft-target input that the train-step and gradients graphs take instead of <see cref="Labels"/> (the eval graph
    /// keeps labels); null in packages written before soft targets, whose graphs all take labels.
    /// </summary>
    public string? Targets { get; init; }
    public string LearningRate { get; init; } = "lr";
    public string Step { get; init; } = "step";
    public string ClipNorm { get; init; } = "clip_norm";
    public string Loss { get; init; } = "loss";
    public string Logits { get; init; } = "logits";
    public string GradientNorm { get; init; } = "grad_norm";
    /// <summary>Output of the input-gradient graph: d loss / d video, shaped like the video input.</summary>
    public string VideoGradient { get; init; } = "video_grad";
    /// <summary>
    /// Int64 scalar input of the train-step and gradients graphs, in [1, 2^31 − 1), from which their dropout masks
    /// are computed; null when the graphs have no dropout. The same seed gives the same masks.
    /// </summary>
    public string? DropoutSeed { get; init; }
    /// <summary>Captioning packages: int64 [N, L] input tokens (BOS + caption ids, PAD-padded); null for classifiers.</summary>
    public string? Tokens { get; init; }
    /// <summary>
    /// Captioning packages: int64 [N, L] targets (caption ids + EOS, PAD-padded; PAD carries no loss), an input of every
    /// graph in place of labels and soft targets; null for classifiers.
    /// </summary>
    public string? TargetTokens { get; init; }
}
