namespace OnnxVideo.Runtime;

/// <summary>
/// Expands command-line inputs into video paths: a directory gives its video files (recursively, by extension), a
/// <c>.txt</c>/<c>.list</c> file gives one path per line (relative to the list's folder; blank lines and lines
/// starting with # skipped), anything else is taken as a video path as is (a missing one fails when classified).
/// </summary>
public static class VideoInputList
{
    public static IReadOnlySet<string> VideoExtensions { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        ".mp4", ".m4v", ".mov", ".mkv", ".webm", ".avi", ".mpg", ".mpeg", ".ts", ".flv", ".ogv", ".3gp", ".y4m",
    };

    public static IReadOnlyList<string> Expand(IEnumerable<string> inputs)
    {
        var paths = new List<string>();
        foreach (var input in inputs)
        {
            if (Directory.Exists(input))
            {
                paths.AddRange(Directory.EnumerateFiles(input, "*", SearchOption.AllDirectories)
                    .Where(p => VideoExtensions.Contains(Path.GetExtension(p))));
            }
            else if (IsListFile(input))
            {
                paths.AddRange(ReadList(input));
            }
            else
            {
                paths.Add(input);
            }
        }
        return paths;
    }

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
