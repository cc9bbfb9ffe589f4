namespace OnnxVideo.Media;

/// <summary>Watches ffmpeg's stderr for the dump of input #0: it is complete when the dump of input #1 (a sentinel
/// input of ours) begins. <see cref="Dump"/> then holds its lines, or null when stderr ended first (ffmpeg could not
/// open the video).</summary>
internal sealed class InputDumpListener
{
    /// <summary>Most lines kept of one dump (64 streams with their metadata fit easily).</summary>
    private const int MaxLines = 4000;

    private readonly List<string> _lines = [];
    private readonly TaskCompletionSource<IReadOnlyList<string>?> _dump = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _inDump;

    public Task<IReadOnlyList<string>?> Dump => _dump.Task;

    /// <summary>One stderr line; null at the end of stderr.</summary>
    public void OnLine(string? line)
    {
        if (_dump.Task.IsCompleted)
        {
            return;
        }
        if (line is null)
        {
            _dump.TrySetResult(null);
            return;
        }
        if (line.StartsWith("Input #1,", StringComparison.Ordinal))
        {
            _dump.TrySetResult(_inDump ? _lines.ToArray() : null);
            return;
        }
        _inDump |= line.StartsWith("Input #0,", StringComparison.Ordinal);
        if (_inDump && _lines.Count < MaxLines)
        {
            _lines.Add(line);
        }
    }
}
