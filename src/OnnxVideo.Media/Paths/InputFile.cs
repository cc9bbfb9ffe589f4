namespace OnnxVideo.Media;

/// <summary>
/// The checks a video file passes before ffprobe/ffmpeg may open it. A user-named path is trusted as a path, links
/// included (the target may lie anywhere), but what it finally names must be a regular file holding data: directories,
/// kernel pseudo-files (/proc, /sys) and anything whose size reads 0 (empty files, FIFOs, devices, sockets — .NET
/// cannot tell these apart without native calls, and only regular files report a size) are refused by this check, so
/// nothing that could block or never end is handed to a tool.
/// </summary>
internal static class InputFile
{
    private static readonly string[] KernelFolders = ["/proc", "/sys"];

    /// <summary>Returns the resolved path of <paramref name="path"/> (every link followed) to hand to the tools, or
    /// throws <see cref="VideoInputException"/> naming <paramref name="path"/>.</summary>
    public static string Require(string path)
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
        if (!File.Exists(full) && !Directory.Exists(full))
        {
            throw Missing(path, "file not found");
        }
        var real = RealPath.TryResolve(full, out var problem, out var missing)
            ?? throw new VideoInputException(path, missing ? VideoInputError.NotFound : VideoInputError.Unreadable, problem);
        var shown = real == full ? "" : $"resolves to '{real}', which";
        if (Directory.Exists(real))
        {
            throw new VideoInputException(path, VideoInputError.Unreadable, Phrase(shown, "is a directory, not a video file"));
        }
        if (KernelFolders.Any(folder => RealPath.IsInside(real, folder)))
        {
            throw new VideoInputException(path, VideoInputError.Unreadable,
                Phrase(shown, "is a kernel pseudo-file (under /proc or /sys), not a video file"));
        }
        if (LengthOf(real) == 0)
        {
            throw new VideoInputException(path, VideoInputError.Unreadable,
                Phrase(shown, "is empty (0 bytes) or not a regular file (a FIFO, device or socket); it was not opened"));
        }
        return real;
    }

    private static long LengthOf(string real)
    {
        try
        {
            return new FileInfo(real).Length;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>A missing input; when its name holds U+FFFD it is most likely a name that is not valid UTF-8, which
    /// .NET decodes lossily and so can never open.</summary>
    public static VideoInputException Missing(string path, string problem) =>
        path.Contains('\uFFFD')
            ? new VideoInputException(path, VideoInputError.UndecodableName,
                "the name is not valid UTF-8 (each undecodable byte sequence is shown as U+FFFD); .NET decodes such names "
                + "lossily and cannot open them, so rename the file or folder to UTF-8")
            : new VideoInputException(path, VideoInputError.NotFound, problem);

    private static string Phrase(string link, string what) => link.Length == 0 ? what : $"{link} {what}";
}
