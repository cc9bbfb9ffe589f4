using Microsoft.Extensions.Logging;

namespace OnnxVideo.Cli.Training;

/// <summary>Writes warnings and errors of the trainer (skipped clips, resume notes) to stderr.</summary>
internal sealed class StderrLogger(LogLevel minimum = LogLevel.Information) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            var prefix = logLevel >= LogLevel.Warning ? "warning: " : "";
            Console.Error.WriteLine(prefix + formatter(state, exception));
        }
    }
}
