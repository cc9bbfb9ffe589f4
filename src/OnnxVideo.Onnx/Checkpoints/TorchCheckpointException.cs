namespace OnnxVideo.Onnx.Checkpoints;

/// <summary>A PyTorch checkpoint that is malformed or breaks a reading limit; <see cref="FilePath"/> names it.</summary>
public sealed class TorchCheckpointException(string filePath, string problem)
    : UserInputException(filePath, problem, $"{filePath}: invalid PyTorch checkpoint: {problem}", null)
{
    public string FilePath { get; } = filePath;
}
