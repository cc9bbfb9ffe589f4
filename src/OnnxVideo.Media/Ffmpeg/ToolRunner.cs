using System.ComponentModel;
using System.Diagnostics;

namespace OnnxVideo.Media.Ffmpeg;

/// <summary>
/// Runs ffmpeg/ffprobe as a child process from an argument list (never a shell), under the concurrency limiter, with
/// stdin closed, stderr kept as a bounded tail, and a deadline; on deadline, cancellation or any failure the whole
/// process tree is killed before this returns.
/// </summary>
internal static class ToolRunner
{
    /// <summary>A stdout reader for <see cref="RunAsync{T}"/> that keeps everything the tool prints (ffprobe's JSON).</summary>
    public static async Task<(byte[] Value, bool Complete)> ReadAllStdoutAsync(Stream stdout, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await stdout.CopyToAsync(buffer, ct).ConfigureAwait(false);
        return (buffer.ToArray(), false);
    }

    /// <summary>Reads stdout with <paramref name="readStdout"/>. When it returns true ("I have everything"), the
    /// process is stopped instead of waited for. <paramref name="stderrLines"/>, when given, sees each line of stderr
    /// as it arrives, then null when stderr ends.</summary>
    public static async Task<ToolRun<T>> RunAsync<T>(string tool, IReadOnlyList<string> arguments, string inputPath,
        MediaOptions options, TimeSpan timeout, Func<Stream, CancellationToken, Task<(T Value, bool Complete)>> readStdout,
        CancellationToken ct, Func<Stream, CancellationToken, Task>? writeStdin = null, Action<string?>? stderrLines = null)
    {
        var limiter = options.ProcessLimiter;
        await limiter.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return await RunLimitedAsync(tool, arguments, inputPath, options, timeout, readStdout, writeStdin, stderrLines, ct)
                .ConfigureAwait(false);
        }
        finally
        {
            limiter.Release();
        }
    }

    private static async Task<ToolRun<T>> RunLimitedAsync<T>(string tool, IReadOnlyList<string> arguments,
        string inputPath, MediaOptions options, TimeSpan timeout,
        Func<Stream, CancellationToken, Task<(T Value, bool Complete)>> readStdout,
        Func<Stream, CancellationToken, Task>? writeStdin, Action<string?>? stderrLines, CancellationToken ct)
    {
        var start = ToolCommand.Create(tool, arguments, options.MaxToolAddressSpaceBytes, inputPath);
        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new VideoInputException(inputPath, VideoInputError.ToolMissing, $"cannot start '{tool}': {e.Message}",
                inner: e);
        }

        using var deadline = new CancellationTokenSource(timeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        var stderr = new BoundedTextTail(options.StderrTailChars);
        Task stderrPump = Task.CompletedTask;
        var exited = false;
        try
        {
            stderrPump = PumpAsync(process.StandardError, stderr, stderrLines);
            await using var kill = linked.Token.Register(() => KillTree(process)).ConfigureAwait(false);
            var feed = Task.CompletedTask;
            if (writeStdin is null)
            {
                process.StandardInput.Close();
            }
            else
            {
                feed = FeedAsync(process.StandardInput, writeStdin, linked.Token);
            }

            var (value, complete) = await readStdout(process.StandardOutput.BaseStream, linked.Token).ConfigureAwait(false);
            await feed.ConfigureAwait(false);
            var onItsOwn = !complete || await ExitsWithinAsync(process, FinishingGrace, linked.Token).ConfigureAwait(false);
            if (!onItsOwn)
            {
                // ffmpeg has written everything we need but is slow to finish; it starts no children, so a plain
                // kill suffices (a tree kill scans every process on the machine).
                Kill(process, entireTree: false);
            }
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            exited = true;
            await stderrPump.ConfigureAwait(false);
            ThrowIfStopped(inputPath, tool, timeout, stderr, deadline, ct);
            ThrowIfOverLimits(inputPath, tool, options, complete ? 0 : process.ExitCode, stderr.ToString());
            return new ToolRun<T>(process.ExitCode, stderr.ToString(), value, complete, onItsOwn);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException && linked.IsCancellationRequested)
        {
            ThrowIfStopped(inputPath, tool, timeout, stderr, deadline, ct);
            throw;
        }
        finally
        {
            if (!exited)
            {
                KillTree(process);
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                await stderrPump.ConfigureAwait(false);
            }
        }
    }

    private static void ThrowIfStopped(string inputPath, string tool, TimeSpan timeout, BoundedTextTail stderr,
        CancellationTokenSource deadline, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        if (deadline.IsCancellationRequested)
        {
            throw new VideoInputException(inputPath, VideoInputError.Timeout,
                $"{Path.GetFileName(tool)} did not finish within {timeout.TotalSeconds:0.###} s; its process tree was killed",
                stderr.ToString());
        }
    }

    /// <summary>How long a tool that has delivered everything may take to exit by itself (normally milliseconds:
    /// ffmpeg stops at -frames:v) before it is stopped.</summary>
    private static readonly TimeSpan FinishingGrace = TimeSpan.FromSeconds(2);

    private static async Task<bool> ExitsWithinAsync(Process process, TimeSpan grace, CancellationToken ct)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
        wait.CancelAfter(grace);
        try
        {
            await process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Turns a failure from one of the resource caps into its typed error: the demuxer's stream cap
    /// (<c>-max_streams</c>, which fails with ENOMEM too, so it is checked first) and the address-space limit.</summary>
    private static void ThrowIfOverLimits(string inputPath, string tool, MediaOptions options, int exitCode, string stderr)
    {
        if (exitCode != 0 && stderr.Contains("exceeds max_streams", StringComparison.Ordinal))
        {
            throw new VideoInputException(inputPath, VideoInputError.TooLarge,
                $"the container holds more than {options.MaxStreams} streams (MediaOptions.MaxStreams)", stderr);
        }
        var limit = options.MaxToolAddressSpaceBytes;
        if (exitCode != 0 && ToolCommand.IsLimited(limit) && ToolCommand.LooksOutOfMemory(exitCode, stderr))
        {
            throw new VideoInputException(inputPath, VideoInputError.MemoryLimit,
                $"{Path.GetFileName(tool)} ran out of memory under its address-space limit of {limit / 1048576.0:0.#} MiB "
                + $"(MediaOptions.MaxToolAddressSpaceBytes; exit code {exitCode})", stderr);
        }
    }

    private static async Task FeedAsync(StreamWriter stdin, Func<Stream, CancellationToken, Task> write, CancellationToken ct)
    {
        try
        {
            await write(stdin.BaseStream, ct).ConfigureAwait(false);
        }
        catch (IOException) when (!ct.IsCancellationRequested)
        {
            // Broken pipe: the tool exited early; its exit code and stderr tell why.
        }
        finally
        {
            try
            {
                stdin.Close();
            }
            catch (IOException)
            {
                // The tool exited early (its error is reported from the exit code and stderr).
            }
        }
    }

    private static void KillTree(Process process) => Kill(process, entireTree: true);

    private static void Kill(Process process, bool entireTree)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireTree);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }
    }

    private static async Task PumpAsync(StreamReader reader, BoundedTextTail tail, Action<string?>? lines)
    {
        var buffer = new char[1024];
        var line = new System.Text.StringBuilder();
        int read;
        try
        {
            while ((read = await reader.ReadAsync(buffer.AsMemory()).ConfigureAwait(false)) > 0)
            {
                tail.Append(buffer.AsSpan(0, read));
                if (lines is not null)
                {
                    SplitLines(buffer.AsSpan(0, read), line, lines);
                }
            }
        }
        finally
        {
            lines?.Invoke(null);
        }
    }

    private static void SplitLines(ReadOnlySpan<char> chunk, System.Text.StringBuilder line, Action<string?> lines)
    {
        foreach (var c in chunk)
        {
            if (c is '\n' or '\r')
            {
                if (line.Length > 0)
                {
                    lines(line.ToString());
                    line.Clear();
                }
            }
            else if (line.Length < MaxObservedLine)
            {
                line.Append(c);
            }
        }
    }

    /// <summary>Longest stderr line handed to an observer; the rest of a longer line is dropped.</summary>
    private const int MaxObservedLine = 8192;
}
