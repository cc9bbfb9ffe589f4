namespace OnnxVideo.Media;

/// <summary>
/// Resolves every symbolic link in a path, component by component, as the kernel would (realpath(3)) — .NET's
/// <see cref="FileSystemInfo.ResolveLinkTarget"/> only follows the last component, so a target reached through a linked
/// folder keeps that link in its name. The path as given is first normalised lexically, as .NET's own file APIs do
/// before they open anything; ".." inside a link target is applied to the already resolved folder.
/// </summary>
internal static class RealPath
{
    /// <summary>Links followed before giving up, as Linux's ELOOP limit.</summary>
    public const int MaxLinks = 40;

    /// <summary>The resolved path, or null with <paramref name="problem"/> saying which component is missing
    /// (<paramref name="missing"/> true) or that the links loop or cannot be read.</summary>
    public static string? TryResolve(string path, out string problem, out bool missing)
    {
        problem = "";
        missing = false;
        string full;
        try
        {
            full = Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            problem = $"not a valid path: {e.Message}";
            return null;
        }
        var pending = new Stack<string>();
        Push(pending, full);
        var resolved = "/";
        var links = 0;
        while (pending.TryPop(out var component))
        {
            if (component is "." or "")
            {
                continue;
            }
            if (component == "..")
            {
                resolved = Path.GetDirectoryName(resolved) ?? "/";
                continue;
            }
            var candidate = Path.Join(resolved, component);
            if (!TryReadLink(candidate, out var target, out problem))
            {
                return null;
            }
            if (target is null)
            {
                if (!Path.Exists(candidate))
                {
                    problem = links == 0 ? $"'{candidate}' does not exist" : $"broken link: '{candidate}' does not exist";
                    missing = true;
                    return null;
                }
                resolved = candidate;
                continue;
            }
            if (++links > MaxLinks)
            {
                problem = $"more than {MaxLinks} symbolic links to follow (a link loop)";
                return null;
            }
            if (Path.IsPathRooted(target))
            {
                resolved = "/";
            }
            Push(pending, target);
        }
        return resolved;
    }

    /// <summary>Whether <paramref name="path"/> is <paramref name="folder"/> or inside it (both resolved).</summary>
    public static bool IsInside(string path, string folder) =>
        path == folder || path.StartsWith(folder.EndsWith('/') ? folder : folder + "/", StringComparison.Ordinal);

    private static bool TryReadLink(string path, out string? target, out string problem)
    {
        try
        {
            target = new FileInfo(path).LinkTarget;
            problem = "";
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            target = null;
            problem = $"cannot read '{path}': {e.Message}";
            return false;
        }
    }

    private static void Push(Stack<string> pending, string path)
    {
        var parts = path.Split('/');
        for (var i = parts.Length - 1; i >= 0; i--)
        {
            pending.Push(parts[i]);
        }
    }
}
