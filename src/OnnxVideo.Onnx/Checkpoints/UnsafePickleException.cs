namespace OnnxVideo.Onnx.Checkpoints;

/// <summary>
/// A checkpoint's pickle asks for something a state dict does not need: a global outside the allow-list (e.g.
/// <c>posix.system</c>) or an opcode the restricted unpickler does not implement. Nothing was imported or executed.
/// </summary>
public sealed class UnsafePickleException(string filePath, string refused, string problem)
    : UserInputException(filePath, problem, $"{filePath}: refused to load: {problem} (nothing in the file was executed)", null)
{
    public string FilePath { get; } = filePath;

    /// <summary>What was refused: the global as <c>module.name</c>, or the opcode's name.</summary>
    public string Refused { get; } = refused;
}
