namespace OnnxVideo.Text;

/// <summary>
/// Resolves a path below a folder component by component, following symbolic links as the kernel would, and refuses
/// any step that leaves the folder: a link whose target lies outside, or a ".." in a link target that climbs out.
/// .NET's own link resolution follows only the last component, so a linked folder in the middle would go unseen.
/// </summary>
internal static class ContainedPath
{
    private const int MaxLinks = 40;

    /// <summary>The folder with every link in its own path resolved (no containment: the user named it).</summary>
    public static string RealFolder(string folder) =>
        Resolve("/", Path.GetFullPath(folder).TrimStart('/'), out var problem) ?? throw new UserFileException(folder, problem);

    /// <summary>The resolved path of <paramref name="relative"/> below <paramref name="root"/> (itself resolved), or
    /// null with <paramref name="problem"/> saying which link leads out, what is missing, or that links loop.</summary>
    public static string? Resolve(string root, string relative, out string problem)
    {
        problem = "";
        var pending = new Stack<string>();
        Push(pending, relative);
        var current = root;
        var links = 0;
        while (pending.TryPop(out var part))
        {
            if (part is "" or ".")
            {
                continue;
            }
            if (part == "..")
            {
                if (current == "/")
                {
                    continue;
                }
                if (current == root)
                {
                    problem = $"a link target climbs out of '{root}' with \"..\"; refused";
                    return null;
                }
                current = Path.GetDirectoryName(current) ?? "/";
                continue;
            }
            var candidate = Path.Join(current, part);
            string? target;
            try
            {
                target = new FileInfo(candidate).LinkTarget;
            }
            catch (Exception e) when (UserFileException.IsFileSystemError(e))
            {
                problem = $"cannot read '{candidate}': {e.Message}";
                return null;
            }
            if (target is null)
            {
                if (!Path.Exists(candidate))
                {
                    problem = links == 0 ? $"'{candidate}' does not exist" : $"'{candidate}' (reached through a link) does not exist";
                    return null;
                }
                current = candidate;
                continue;
            }
            if (++links > MaxLinks)
            {
                problem = $"more than {MaxLinks} symbolic links to follow (a link loop)";
                return null;
            }
            if (Path.IsPathRooted(target))
            {
                var absolute = Path.GetFullPath(target);
                if (!IsInside(absolute, root))
                {
                    problem = $"'{candidate}' is a symbolic link to '{target}', outside '{root}'; refused";
                    return null;
                }
                current = root;
                target = Path.GetRelativePath(root, absolute);
            }
            Push(pending, target);
        }
        return current;
    }

    public static bool IsInside(string path, string folder) =>
        path == folder || folder == "/" || path.StartsWith(folder.EndsWith('/') ? folder : folder + "/", StringComparison.Ordinal);

    private static void Push(Stack<string> pending, string path)
    {
        var parts = path.Split('/');
        for (var i = parts.Length - 1; i >= 0; i--)
        {
            pending.Push(parts[i]);
        }
    }
}
