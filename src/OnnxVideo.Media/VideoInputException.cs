namespace OnnxVideo.Media;

/// <summary>A video file or frame folder that could not be turned into frames. Names the input and carries the tail of
/// ffmpeg's/ffprobe's stderr, when there was one.</summary>
public sealed class VideoInputException : UserInputException
{
    public VideoInputException(string path, VideoInputError reason, string problem, string? toolStderr = null,
        Exception? inner = null)
        : base(path, problem, Compose(path, reason, problem, toolStderr), inner)
    {
        Reason = reason;
        ToolStderr = toolStderr ?? "";
    }

    public string InputPath => Input;
    public VideoInputError Reason { get; }
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
