using OnnxVideo.Media;

namespace OnnxVideo.Runtime;

/// <summary>
/// Expands command-line inputs into video paths: a directory gives its video files (recursively, by extension, see
/// <see cref="VideoFolderWalker"/> for links), a <c>.txt</c>/<c>.list</c> file gives one path per line (relative to the
/// list's folder; blank lines and lines starting with # skipped), anything else is taken as a video path as is (a
/// missing one fails when classified). Each real file is listed once, under the first path that reaches it.
/// </summary>
internal static class VideoInputList
{
    public static IReadOnlySet<string> VideoExtensions { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        ".mp4", ".m4v", ".mov", ".mkv", ".webm", ".avi", ".mpg", ".mpeg", ".ts", ".flv", ".ogv", ".3gp", ".y4m",
    };

    /// <summary>The video paths of <see cref="Collect"/>, without the report of what was skipped.</summary>
    public static IReadOnlyList<string> Expand(IEnumerable<string> inputs) => Collect(inputs).Paths;

    /// <summary>The video paths to classify, in input order, and the entries left out with the reason.</summary>
    public static ExpandedVideoInputs Collect(IEnumerable<string> inputs)
    {
        var paths = new List<string>();
        var skipped = new List<SkippedVideoInput>();
        var firstPathOf = new Dictionary<string, string>(StringComparer.Ordinal);
        void Add(string path, string realPath)
        {
            if (firstPathOf.TryGetValue(realPath, out var first))
            {
                skipped.Add(new(path, $"the same file as '{first}'; listed once"));
                return;
            }
            firstPathOf[realPath] = path;
            paths.Add(path);
        }
        foreach (var input in inputs)
        {
            if (Directory.Exists(input))
            {
                foreach (var found in VideoFolderWalker.Walk(input, skipped))
                {
                    Add(found.Path, found.RealPath);
                }
            }
            else if (IsListFile(input))
            {
                foreach (var line in ReadList(input))
                {
                    Add(line, IdentityOf(line));
                }
            }
            else
            {
                Add(input, IdentityOf(input));
            }
        }
        return new ExpandedVideoInputs(paths, skipped);
    }

    // A path that cannot be resolved (missing, broken link) is kept as written; it fails when classified.
    private static string IdentityOf(string path) => RealPath.TryResolve(path, out _, out _) ?? path;

    private static bool IsListFile(string path) =>
        File.Exists(path) && Path.GetExtension(path) is { } ext
        && (ext.Equals(".txt", StringComparison.OrdinalIgnoreCase) || ext.Equals(".list", StringComparison.OrdinalIgnoreCase));

    private static IEnumerable<string> ReadList(string listPath)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(listPath)) ?? ".";
        foreach (var raw in File.ReadLines(listPath))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            yield return Path.IsPathRooted(line) ? line : Path.Combine(folder, line);
        }
    }
}
