namespace OnnxVideo.Cli.Classify;

/// <summary>One complete record of a result file: its key (<c>"path"</c>), state and bytes without the newline.</summary>
internal sealed record ResultLine(string Key, ResultLineState State, byte[] Bytes);
