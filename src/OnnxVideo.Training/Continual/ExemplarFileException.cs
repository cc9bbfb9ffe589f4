namespace OnnxVideo.Training.Continual;

/// <summary>An exemplar file (a run's <c>exemplars.json</c>) that cannot be rehearsed: unreadable, malformed, or naming clips or classes that are not there.</summary>
public sealed class ExemplarFileException(string input, string problem, Exception? inner = null) : UserInputException(input, problem, inner);
