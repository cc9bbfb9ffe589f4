namespace OnnxVideo.Training.Checkpoints;

/// <summary>A checkpoint that cannot be written or read as asked; <see cref="Location"/> names its folder or file.</summary>
public sealed class CheckpointException(string location, string problem) 
    : UserInputException(location, problem)
{
    public string Location { get; } = location;
}
