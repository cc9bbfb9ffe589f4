namespace OnnxVideo.Media.Ffmpeg;

/// <summary>Outcome of one ffmpeg/ffprobe run that ended on its own (not killed by deadline or cancellation).
/// <see cref="StoppedEarly"/>: the stdout reader had everything it needed; <see cref="ExitedOnItsOwn"/>: the tool then
/// also exited by itself (so files it writes, like a timestamp log, are complete) rather than being stopped.</summary>
internal readonly record struct ToolRun<T>(int ExitCode, string StderrTail, T Value, bool StoppedEarly, bool ExitedOnItsOwn);
