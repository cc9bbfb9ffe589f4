namespace OnnxVideo.Cli.Commands;

/// <summary>A command-line flag with a value the command cannot use; the CLI prints the message and exits with 2.</summary>
internal sealed class InvalidFlagException(string flag, string value, string problem)
    : ArgumentException($"{flag} {value}: {problem}")
{
    public string Flag { get; } = flag;

    public string Value { get; } = value;
}
