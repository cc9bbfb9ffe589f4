namespace OnnxVideo.Runtime;

/// <summary>Frames handed in by the application that cannot be classified; names them and says why.</summary>
public sealed class InvalidFramesException(string name, string problem) 
    : UserInputException(name, problem)
{
    public string FramesName { get; } = name;
}
