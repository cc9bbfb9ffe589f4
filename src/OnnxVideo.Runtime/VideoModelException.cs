namespace OnnxVideo.Runtime;

/// <summary>The model cannot be used as a video classifier with its contract; names the model and the problem.</summary>
public sealed class VideoModelException(string modelPath, string problem, Exception? inner = null)
    : UserInputException(modelPath, problem, inner)
{
    public string ModelPath { get; } = modelPath;
}
