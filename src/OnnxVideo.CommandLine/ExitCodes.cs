namespace OnnxVideo.CommandLine;

/// <summary>The exit codes of both command-line tools.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>A bug (an unexpected exception, printed with its stack trace), or some items of a batch failed.</summary>
    public const int Failed = 1;

    /// <summary>Bad input: a flag, file, model, dataset or device that cannot be used (one message naming it).</summary>
    public const int BadInput = 2;

    public const int Interrupted = 130;
}
