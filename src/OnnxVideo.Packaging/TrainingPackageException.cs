namespace OnnxVideo.Packaging;

/// <summary>A training package that cannot be used; <see cref="FilePath"/> names the offending file.</summary>
public sealed class TrainingPackageException(string filePath, string problem, Exception? inner = null)
    : UserInputException(filePath, problem, inner)
{
    public string FilePath { get; } = filePath;
}
