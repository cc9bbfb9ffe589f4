namespace OnnxVideo;

/// <summary>
/// The base of every error caused by what a user or caller supplied (a file, a folder, a flag, a model, a dataset)
/// rather than by a bug: <see cref="Input"/> names it, <see cref="Problem"/> says what is wrong with it. The command-line
/// tools print such an error as one line and exit with code 2; any other exception is a bug and crashes with its trace.
/// </summary>
public abstract class UserInputException : Exception
{
    /// <summary>The message is "<paramref name="input"/>: <paramref name="problem"/>".</summary>
    protected UserInputException(string input, string problem, Exception? inner = null)
        : this(input, problem, $"{input}: {problem}", inner)
    {
    }

    /// <summary>For errors whose message adds context to the input and problem (it must still name the input).</summary>
    protected UserInputException(string input, string problem, string message, Exception? inner)
        : base(message, inner)
    {
        Input = input;
        Problem = problem;
    }

    /// <summary>The input at fault: a path (file, folder, list line), a flag, a tensor or node name.</summary>
    public string Input { get; }

    /// <summary>What is wrong with <see cref="Input"/>, without the input's name.</summary>
    public string Problem { get; }
}
