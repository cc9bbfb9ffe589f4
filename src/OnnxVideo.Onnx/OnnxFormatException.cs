namespace OnnxVideo.Onnx;

/// <summary>
/// An ONNX model (or its external data) that cannot be read; <see cref="ModelPath"/> names the input: the model file,
/// or the node when the problem is found in a graph already loaded (an attribute of the wrong type).
/// </summary>
public sealed class OnnxFormatException : UserInputException
{
    public OnnxFormatException(string modelPath, string problem, Exception? inner = null)
        : base(modelPath, problem, inner)
    {
    }

    public string ModelPath => Input;
}
