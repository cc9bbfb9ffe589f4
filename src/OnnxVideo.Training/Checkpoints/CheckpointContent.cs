using OnnxVideo.Onnx.Safetensors;

namespace OnnxVideo.Training.Checkpoints;

/// <summary>
/// What a checkpoint stores: the trainable parameters under their ONNX initializer names, the optimizer state, and
/// the trainer's own state as JSON (epoch, best score, counters).
/// </summary>
internal sealed record CheckpointContent
{
    public required long Step { get; init; }
    public required int Epoch { get; init; }
    public required IReadOnlyList<SafetensorsTensor> Trainable { get; init; }
    public required IReadOnlyList<SafetensorsTensor> OptimizerState { get; init; }
    public string TrainerStateJson { get; init; } = "{}";
    public string? PackageId { get; init; }
}
