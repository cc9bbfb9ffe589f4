namespace OnnxVideo.Media.Ffmpeg;

/// <summary>The hardening shared by every ffmpeg/ffprobe invocation, and the mapping of tool failures to
/// <see cref="VideoInputError"/>.</summary>
internal static class InputSafety
{
    /// <summary>Local-file-only input options: only the file protocol, only the allowed demuxers (no playlists,
    /// concat lists or image patterns), and the path as an explicit <c>file:</c> URL so it is never read as an option
    /// or another protocol. The demuxer stops at <see cref="MediaOptions.MaxStreams"/> streams, before it allocates
    /// (and probes) the rest.</summary>
    public static void AddInputOptions(List<string> arguments, MediaOptions options)
    {
        arguments.Add("-protocol_whitelist");
        arguments.Add("file");
        arguments.Add("-format_whitelist");
        arguments.Add(string.Join(',', options.AllowedFormats));
        arguments.Add("-max_streams");
        arguments.Add(options.MaxStreams.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public static string FileUrl(string fullPath) => "file:" + fullPath;

    /// <summary>Checks the path names (through any links) a regular file holding data; returns its resolved path,
    /// which is what the tools open. See <see cref="InputFile"/>.</summary>
    public static string RequireFile(string path) => InputFile.Require(path);

    public static VideoInputException Failure(string path, string tool, int exitCode, string stderr)
    {
        var reason = stderr.Contains("not on whitelist", StringComparison.OrdinalIgnoreCase)
            ? VideoInputError.UnsupportedFormat
            : VideoInputError.Unreadable;
        var what = reason == VideoInputError.UnsupportedFormat
            ? "container format is not accepted (allowed formats: see MediaOptions.AllowedFormats)"
            : $"{tool} could not read it (exit code {exitCode})";
        return new VideoInputException(path, reason, what, stderr);
    }
}
