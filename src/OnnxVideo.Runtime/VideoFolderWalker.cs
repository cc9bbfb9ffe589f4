using OnnxVideo.Media;

namespace OnnxVideo.Runtime;

/// <summary>
/// Lists the video files under one input folder without ever following a link to a folder, so link cycles cannot make
/// the walk endless. A link to a file inside the folder counts only when its target is not listed under its own path;
/// links that leave the folder, broken and looping links are skipped and reported. The folder given may itself be a
/// link (a user-named path is trusted). Entries are visited in ordinal name order, depth first.
/// </summary>
internal sealed class VideoFolderWalker
{
    /// <summary>Folders nested deeper than this are not listed (a bind-mount loop cannot be seen without inodes).</summary>
    public const int MaxDepth = 64;

    private static readonly EnumerationOptions ListOneFolder = new()
    {
        AttributesToSkip = 0,
        IgnoreInaccessible = false,
        RecurseSubdirectories = false,
        ReturnSpecialDirectories = false,
    };

    private readonly string _rootReal;
    private readonly List<SkippedVideoInput> _skipped;
    private readonly List<Candidate> _found = [];

    private VideoFolderWalker(string rootReal, List<SkippedVideoInput> skipped)
    {
        _rootReal = rootReal;
        _skipped = skipped;
    }

    /// <summary>A video file found: the path shown (under the folder as given) and the file's resolved path.</summary>
    internal readonly record struct Candidate(string Path, string RealPath, bool ViaLink);

    /// <summary>The video files under <paramref name="root"/>; what is left out is added to <paramref name="skipped"/>.</summary>
    public static IReadOnlyList<Candidate> Walk(string root, List<SkippedVideoInput> skipped)
    {
        if (RealPath.TryResolve(root, out var problem, out _) is not { } rootReal)
        {
            skipped.Add(new(root, problem));
            return [];
        }
        var walker = new VideoFolderWalker(rootReal, skipped);
        walker.WalkFolder(root, rootReal, 0);
        var listedDirectly = walker._found.Where(c => !c.ViaLink).Select(c => c.RealPath).ToHashSet(StringComparer.Ordinal);
        var kept = new List<Candidate>(walker._found.Count);
        foreach (var candidate in walker._found)
        {
            if (candidate.ViaLink && listedDirectly.Contains(candidate.RealPath))
            {
                skipped.Add(new(candidate.Path, $"link to '{candidate.RealPath}', which is listed under its own path"));
                continue;
            }
            kept.Add(candidate);
        }
        return kept;
    }

    private void WalkFolder(string shown, string real, int depth)
    {
        List<FileSystemInfo> entries;
        try
        {
            entries = new DirectoryInfo(shown).EnumerateFileSystemInfos("*", ListOneFolder)
                .OrderBy(e => e.Name, StringComparer.Ordinal).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _skipped.Add(new(shown, $"cannot list the folder: {e.Message}"));
            return;
        }
        foreach (var entry in entries)
        {
            var path = Path.Join(shown, entry.Name);
            if (!entry.Exists)
            {
                AddUndecodable(entry, path, Path.Join(real, entry.Name));
            }
            else if (entry.Attributes.HasFlag(FileAttributes.ReparsePoint))
            {
                AddLink(entry, path);
            }
            else if (entry is DirectoryInfo)
            {
                if (depth + 1 > MaxDepth)
                {
                    _skipped.Add(new(path, $"nested deeper than {MaxDepth} folders; not listed"));
                    continue;
                }
                WalkFolder(path, Path.Join(real, entry.Name), depth + 1);
            }
            else if (IsVideo(entry.Name))
            {
                _found.Add(new(path, Path.Join(real, entry.Name), false));
            }
        }
    }

    private void AddLink(FileSystemInfo entry, string path)
    {
        if (entry is FileInfo && !IsVideo(entry.Name))
        {
            return;
        }
        if (RealPath.TryResolve(path, out var problem, out _) is not { } target)
        {
            _skipped.Add(new(path, $"{problem}; skipped"));
        }
        else if (!RealPath.IsInside(target, _rootReal))
        {
            _skipped.Add(new(path, $"link to '{target}' outside the folder being listed; skipped (name it as an input to classify it)"));
        }
        else if (Directory.Exists(target))
        {
            _skipped.Add(new(path, "link to a folder inside the folder being listed; not followed (its files are listed under their own paths)"));
        }
        else
        {
            _found.Add(new(path, target, true));
        }
    }

    // Listed but not there under the decoded name: a name that is not valid UTF-8 (or one removed meanwhile).
    private void AddUndecodable(FileSystemInfo entry, string path, string real)
    {
        if (!entry.Name.Contains('\uFFFD'))
        {
            return;
        }
        if (entry is DirectoryInfo)
        {
            _skipped.Add(new(path, "folder name is not valid UTF-8 (shown with U+FFFD); .NET cannot open it, so its files are not listed"));
        }
        else if (IsVideo(entry.Name))
        {
            // Kept so that it is reported as a failed input (UndecodableName) rather than silently dropped.
            _found.Add(new(path, real, false));
        }
    }

    private static bool IsVideo(string name) => VideoInputList.VideoExtensions.Contains(Path.GetExtension(name));
}
