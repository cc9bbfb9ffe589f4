namespace OnnxVideo.Onnx.Safetensors;

/// <summary>A safetensors file that cannot be read or written as asked; <see cref="FilePath"/> names it.</summary>
public sealed class SafetensorsFormatException(string filePath, string problem)
    : UserInputException(filePath, problem, $"{filePath}: invalid safetensors file: {problem}", null)
{
    public string FilePath { get; } = filePath;
}
