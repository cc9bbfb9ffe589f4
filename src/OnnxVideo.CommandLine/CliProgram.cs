using System.CommandLine;

namespace OnnxVideo.CommandLine;

/// <summary>
/// Runs a root command the same way for both tools: a parse error (unknown option, missing or bad value) is one line per
/// problem and exit code 2; a <see cref="UserInputException"/> from a handler is one line and exit code 2; Ctrl+C is
/// exit code 130; any other exception is a bug and is left to crash with its stack trace.
/// </summary>
internal static class CliProgram
{
    public static int Run(RootCommand root, string[] args)
    {
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                Console.Error.WriteLine($"error: {TerminalText.Escape(error.Message)}");
            }
            Console.Error.WriteLine($"(see '{root.Name} {string.Join(' ', CommandPath(parse))} --help')");
            return ExitCodes.BadInput;
        }
        return parse.Invoke();
    }

    /// <summary>
    /// Sets <paramref name="handler"/> as the command's action: the definitions stay in the command's factory, the work in
    /// an async method, and bad input becomes one line on stderr and exit code 2.
    /// </summary>
    public static void SetHandler(this Command command, Func<ParseResult, CancellationToken, Task<int>> handler) =>
        command.SetAction((parse, ct) => RunHandlerAsync(handler, parse, Console.Error, ct));

    /// <summary>Runs a handler with the exit-code mapping of <see cref="CliProgram"/>.</summary>
    public static async Task<int> RunHandlerAsync(Func<ParseResult, CancellationToken, Task<int>> handler, ParseResult parse, TextWriter error,
        CancellationToken ct)
    {
        try
        {
            return await handler(parse, ct);
        }
        catch (UserInputException e)
        {
            return Report(e, error);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await error.WriteLineAsync("interrupted");
            return ExitCodes.Interrupted;
        }
    }

    /// <summary>Writes bad input as its one line (control characters escaped) and returns its exit code.</summary>
    public static int Report(UserInputException error, TextWriter stderr)
    {
        stderr.WriteLine($"error: {TerminalText.Escape(error.Message)}");
        return ExitCodes.BadInput;
    }

    private static IEnumerable<string> CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (var result = parse.CommandResult; result.Parent is System.CommandLine.Parsing.CommandResult parent; result = parent)
        {
            names.Insert(0, result.Command.Name);
        }
        return names;
    }
}
