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

    /// <summary>Checks the path exists and is a non-empty regular file; returns its full path.</summary>
    public static string RequireFile(string path)
    {
        string full;
        try
        {
            full = Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new VideoInputException(path, VideoInputError.NotFound, $"not a valid path: {e.Message}", inner: e);
        }
        var info = new FileInfo(full);
        if (!info.Exists)
        {
            throw new VideoInputException(path, Directory.Exists(full) ? VideoInputError.Unreadable : VideoInputError.NotFound,
                Directory.Exists(full) ? "is a directory, not a video file" : "file not found");
        }
        if (info.Length == 0)
        {
            throw new VideoInputException(path, VideoInputError.Unreadable, "file is empty (0 bytes)");
        }
        return full;
    }

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
