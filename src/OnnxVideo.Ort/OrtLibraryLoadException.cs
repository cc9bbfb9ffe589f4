namespace OnnxVideo.Ort;

/// <summary>The ONNX Runtime native library could not be found or loaded; lists every place that was tried.</summary>
public sealed class OrtLibraryLoadException : UserInputException
{
    public OrtLibraryLoadException(string message, IReadOnlyList<string> attempts)
        : base("ONNX Runtime native library", message, message + Environment.NewLine + "Tried:" + Environment.NewLine + "  " + string.Join(Environment.NewLine + "  ", attempts), null)
    {
        Attempts = attempts;
    }

    /// <summary>Each place tried, with why it was not used.</summary>
    public IReadOnlyList<string> Attempts { get; }
}
