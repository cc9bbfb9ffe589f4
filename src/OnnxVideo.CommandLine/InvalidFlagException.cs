namespace OnnxVideo.CommandLine;

/// <summary>A command-line flag with a value the command cannot use; the CLI prints the message and exits with 2.</summary>
internal sealed class InvalidFlagException : UserInputException
{
    public InvalidFlagException(string flag, string value, string problem)
        : base(flag, problem, $"{flag} {value}: {problem}", null)
    {
        Flag = flag;
        Value = value;
    }

    /// <summary>A problem of a combination of flags, or one found by the options object the flags filled in.</summary>
    public InvalidFlagException(string flags, string problem, Exception? inner = null)
        : base(flags, problem, $"{flags}: {problem}", inner)
    {
        Flag = flags;
        Value = "";
    }

    public string Flag { get; }

    public string Value { get; }
}
