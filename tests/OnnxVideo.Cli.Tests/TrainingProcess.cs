using System.Diagnostics;
using System.Text;

namespace OnnxVideo.Cli.Tests;

/// <summary>An <c>onnxvideo train</c> child process whose <see cref="Started"/> completes once training is under way.</summary>
internal sealed class TrainingProcess : IDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stdout;
    private readonly Task<string> _stderr;
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TrainingProcess(string[] arguments)
    {
        _process = CliProcess.Start(arguments);
        _stdout = _process.StandardOutput.ReadToEndAsync();
        _stderr = Task.Run(ReadStderrAsync);
    }

    /// <summary>Completes at the CLI's "training …" line (package loaded, first step starting), or when the process ends.</summary>
    public Task Started => _started.Task;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public bool WaitForExit(TimeSpan timeout) => _process.WaitForExit(timeout);

    public async Task<int> WaitForExitAsync()
    {
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        await _stdout;
        await _stderr;
        return _process.ExitCode;
    }

    public Task<string> StderrAsync() => _stderr;

    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    private async Task<string> ReadStderrAsync()
    {
        var text = new StringBuilder();
        while (await _process.StandardError.ReadLineAsync() is { } line)
        {
            text.AppendLine(line);
            if (line.StartsWith("training ", StringComparison.Ordinal))
            {
                _started.TrySetResult();
            }
        }
        _started.TrySetResult();
        return text.ToString();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }
        _process.Dispose();
    }
}
