namespace OnnxVideo.Onnx;

/// <summary>An ONNX model (or its external data) that cannot be read; <see cref="ModelPath"/> names the input.</summary>
public sealed class OnnxFormatException : UserInputException
{
    public OnnxFormatException(string modelPath, string problem, Exception? inner = null)
        : base(modelPath, problem, inner)
    {
    }

    public string ModelPath => Input;
}
