namespace OnnxVideo.Training.Sessions;

/// <summary>A package, checkpoint or input that a <see cref="TrainingSession"/> cannot use; <see cref="Input"/> names it.</summary>
public sealed class TrainingSessionException(string input, string problem, Exception? inner = null)
    : UserInputException(input, problem, inner);
