namespace OnnxVideo.Training.Packages;

/// <summary>Input and output names shared by a package's graphs (scalars are float32 rank-0; labels int64 [N]; soft targets float32 [N, classes]).</summary>
public sealed record TrainingGraphNames
{
    public required string Video { get; init; }
    public required string Labels { get; init; }
    /// <summary>Soft targets float [N, classes] that the train-step and gradients graphs take instead of labels; null when they take labels.</summary>
    public string? Targets { get; init; }
    public required string LearningRate { get; init; }
    public required string Step { get; init; }
    public required string ClipNorm { get; init; }
    public required string Loss { get; init; }
    public required string Logits { get; init; }
    public required string GradientNorm { get; init; }
    /// <summary>The input-gradient graph's d loss / d video output.</summary>
    public string VideoGradient { get; init; } = "video_grad";
    /// <summary>Int64 scalar seed of the dropout masks of the train-step and gradients graphs; null when they have none.</summary>
    public string? DropoutSeed { get; init; }
    /// <summary>Float [N, old classes] teacher logits of the train-step and gradients graphs of a distilling package; null otherwise.</summary>
    public string? TeacherLogits { get; init; }
    /// <summary>Caption packages: int64 [N, L] decoder input (BOS + caption ids, PAD-padded); null for classifiers.</summary>
    public string? Tokens { get; init; }
    /// <summary>Caption packages: int64 [N, L] targets (caption ids + EOS, PAD-padded); null for classifiers.</summary>
    public string? TargetTokens { get; init; }
}
