namespace OnnxVideo;

/// <summary>An input value that cannot be used and has no more specific error type (e.g. a class count out of range).</summary>
public sealed class InvalidInputException(string input, string problem, Exception? inner = null)
    : UserInputException(input, problem, inner);
