namespace OnnxVideo.Training.Data;

/// <summary>A dataset that cannot be used as given: <see cref="Input"/> names the folder or file (and line).</summary>
public sealed class DatasetException(string source, string problem)
    : UserInputException(source, problem);
