namespace OnnxVideo.Media;

/// <summary>A video file or frame folder that could not be turned into frames. Names the input and carries the tail of
/// ffmpeg's/ffprobe's stderr, when there was one.</summary>
public sealed class VideoInputException : Exception
{
    public VideoInputException(string path, VideoInputError reason, string problem, string? toolStderr = null,
        Exception? inner = null)
        : base(Compose(path, reason, problem, toolStderr), inner)
    {
        InputPath = path;
        Reason = reason;
        Problem = problem;
        ToolStderr = toolStderr ?? "";
    }

    public string InputPath { get; }
    public VideoInputError Reason { get; }
    public string Problem { get; }
    /// <summary>Last bytes of the tool's stderr (bounded by <see cref="MediaOptions.StderrTailChars"/>).</summary>
    public string ToolStderr { get; }

    private static string Compose(string path, VideoInputError reason, string problem, string? stderr)
    {
        var message = $"{path}: {reason}: {problem}";
        if (!string.IsNullOrWhiteSpace(stderr))
        {
            message += $"{Environment.NewLine}ffmpeg said: {stderr.Trim()}";
        }
        return message;
    }
}
