namespace OnnxVideo.Media.Ffmpeg;

/// <summary>Outcome of one ffmpeg/ffprobe run that ended on its own (not killed by deadline or cancellation).</summary>
internal readonly record struct ToolRun<T>(int ExitCode, string StderrTail, T Value, bool StoppedEarly);
