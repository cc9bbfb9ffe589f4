namespace OnnxVideo.Onnx.Files;

/// <summary>
/// Checks on untrusted file paths before anything opens them: the path must name a regular file once links are
/// followed (a FIFO, device or socket is refused by its type), and files that belong to a folder (a package, a
/// checkpoint) must resolve to a file inside that folder. Each check returns the problem, or null when the file is fine,
/// so callers raise their own typed error naming the file.
/// </summary>
internal static class SafeFiles
{
    /// <summary>Null when <paramref name="path"/> is (a link to) a regular file, else what is wrong.</summary>
    public static string? RegularFileProblem(string path) => NativeFileStatus.KindOf(path) switch
    {
        FileKind.RegularFile => null,
        FileKind.Missing => "file not found",
        FileKind.Directory => "is a directory, not a file",
        _ => "is not a regular file (a FIFO, socket or device); refused",
    };

    /// <summary>
    /// Null when <paramref name="path"/> resolves (links followed) to a regular file inside <paramref name="folder"/>
    /// (itself resolved), else what is wrong.
    /// </summary>
    public static string? ProblemInside(string folder, string path)
    {
        if (RegularFileProblem(path) is { } problem)
        {
            return problem;
        }
        var root = NativeFileStatus.Canonical(folder);
        var target = NativeFileStatus.Canonical(path);
        if (root is null || target is null)
        {
            return "file not found";
        }
        var prefix = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
        return target.StartsWith(prefix, StringComparison.Ordinal)
            ? null
            : $"resolves to '{target}', outside its folder '{root}'; refused";
    }

    /// <summary>The size of the file a path resolves to (links followed), or -1 when it does not exist.</summary>
    public static long LengthOf(string path) =>
        NativeFileStatus.Canonical(path) is { } target && new FileInfo(target) is { Exists: true } info ? info.Length : -1;

    /// <summary>Null when the file (links followed) has at most <paramref name="maxBytes"/> bytes, else what is wrong.</summary>
    public static string? SizeProblem(string path, long maxBytes)
    {
        var length = LengthOf(path);
        return length <= maxBytes ? null : $"is {length} bytes, above the limit of {maxBytes} bytes";
    }
}
