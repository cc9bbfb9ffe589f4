namespace OnnxVideo.Onnx.Safetensors;

/// <summary>A safetensors file that cannot be read or written as asked; <see cref="FilePath"/> names it.</summary>
public sealed class SafetensorsFormatException(string filePath, string problem)
    : Exception($"{filePath}: invalid safetensors file: {problem}")
{
    public string FilePath { get; } = filePath;
    public string Problem { get; } = problem;
}
