using System.Globalization;

namespace OnnxVideo.Training.Data;

/// <summary>
/// Reads a labelled video dataset from a folder-per-class tree (<c>root/&lt;class&gt;/&lt;clip&gt;</c>, where a clip is
/// a video file or a folder of frame images) or from a list file (<c>path label</c> lines, comma or space separated,
/// label as a class name or an index; UCF101, Kinetics-style CSV and mmaction raw-frame lists).
/// </summary>
public static class DatasetReader
{
    public static readonly string[] ClassMapFileNames = ["classes.txt", "labels.txt", "classInd.txt", "class_map.txt"];

    public static VideoDataset Read(string path, DatasetOptions? options = null)
    {
        options ??= new DatasetOptions();
        if (Directory.Exists(path))
        {
            return ReadFolder(Path.GetFullPath(path), options);
        }
        if (File.Exists(path))
        {
            return ReadList(Path.GetFullPath(path), options);
        }
        throw new DatasetException(path, "no such folder or list file");
    }

    private static ClassMap? ResolveClassMap(DatasetOptions options, string searchFolder)
    {
        if (options.Classes is not null)
        {
            return ClassMap.FromNames(options.Classes);
        }
        if (options.ClassMapPath is not null)
        {
            return ClassMap.Read(options.ClassMapPath);
        }
        foreach (var name in ClassMapFileNames)
        {
            var candidate = Path.Combine(searchFolder, name);
            if (File.Exists(candidate))
            {
                return ClassMap.Read(candidate);
            }
        }
        return null;
    }

    private static bool IsHidden(string path) => Path.GetFileName(path).StartsWith('.');

    private static VideoDataset ReadFolder(string root, DatasetOptions options)
    {
        var classFolders = Directory.GetDirectories(root).Where(d => !IsHidden(d))
            .OrderBy(d => Path.GetFileName(d), StringComparer.Ordinal).ToList();
        if (classFolders.Count == 0)
        {
            throw new DatasetException(root, "has no class folders (expected root/<class>/<clip>)");
        }
        var map = ResolveClassMap(options, root) ?? ClassMap.FromNames(classFolders.Select(Path.GetFileName).ToList()!);
        var samples = new List<VideoSample>();
        foreach (var folder in classFolders)
        {
            var name = Path.GetFileName(folder);
            var label = map.PositionOfName(name);
            if (label < 0)
            {
                throw new DatasetException(folder, $"unknown label '{name}' (classes: {string.Join(", ", map.Names)})");
            }
            var clips = Directory.EnumerateFileSystemEntries(folder).Where(e => !IsHidden(e))
                .Where(e => IsClip(e, options)).OrderBy(e => e, StringComparer.Ordinal).ToList();
            if (clips.Count == 0)
            {
                throw new DatasetException(folder, $"class '{name}' has no clips");
            }
            samples.AddRange(clips.Select(c => new VideoSample(c, label)));
        }
        var dataset = new VideoDataset(root, map.Names, samples);
        CheckEveryClass(dataset, options);
        return dataset;
    }

    private static bool IsClip(string entry, DatasetOptions options)
    {
        if (File.Exists(entry))
        {
            return options.VideoExtensions.Contains(Path.GetExtension(entry));
        }
        return Directory.Exists(entry) && Directory.EnumerateFiles(entry)
            .Any(f => !IsHidden(f) && DatasetOptions.FrameExtensions.Contains(Path.GetExtension(f)));
    }

    private static VideoDataset ReadList(string listPath, DatasetOptions options)
    {
        var baseFolder = options.Root is null ? Path.GetDirectoryName(listPath)! : Path.GetFullPath(options.Root);
        var map = ResolveClassMap(options, Path.GetDirectoryName(listPath)!);
        var entries = new List<(string Path, string Label, string Where)>();
        var lineNumber = 0;
        var sawEntry = false;
        foreach (var raw in File.ReadLines(listPath))
        {
            lineNumber++;
            var line = raw.Trim();
            var where = $"{listPath}:{lineNumber}";
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            var fields = ListFileFields.Split(line);
            if (!sawEntry && IsHeader(fields))
            {
                sawEntry = true;
                continue;
            }
            sawEntry = true;
            var (relative, label) = fields.Length switch
            {
                1 => (fields[0], Path.GetFileName(Path.GetDirectoryName(fields[0].Replace('\\', '/')) ?? "")),
                2 => (fields[0], fields[1]),
                3 when IsInteger(fields[1]) => (fields[0], fields[2]),
                _ => throw new DatasetException(where, $"expected 'path label', got '{line}'"),
            };
            if (label.Length == 0)
            {
                throw new DatasetException(where, $"no label for '{relative}' (and no class folder in its path)");
            }
            var full = Path.GetFullPath(Path.Combine(baseFolder, relative));
            if (!File.Exists(full) && !Directory.Exists(full))
            {
                throw new DatasetException(where, $"missing file '{full}'");
            }
            entries.Add((full, label, where));
        }
        if (entries.Count == 0)
        {
            throw new DatasetException(listPath, "list file has no clips");
        }
        if (map is null)
        {
            var labels = entries.Select(e => e.Label).Distinct(StringComparer.Ordinal).ToList();
            map = labels.All(IsInteger)
                ? ClassMap.FromNames(Enumerable.Range(0, labels.Max(l => int.Parse(l, CultureInfo.InvariantCulture)) + 1)
                    .Select(i => i.ToString(CultureInfo.InvariantCulture)).ToList())
                : ClassMap.FromNames(labels.Order(StringComparer.Ordinal).ToList());
        }
        var samples = new List<VideoSample>(entries.Count);
        foreach (var (full, label, where) in entries)
        {
            var position = map.PositionOfName(label);
            if (position < 0 && int.TryParse(label, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                position = map.PositionOfIndex(index);
            }
            if (position < 0)
            {
                throw new DatasetException(where, $"unknown label '{label}' (classes: {string.Join(", ", map.Names)})");
            }
            samples.Add(new VideoSample(full, position));
        }
        var dataset = new VideoDataset(listPath, map.Names, samples);
        CheckEveryClass(dataset, options);
        return dataset;
    }

    private static bool IsHeader(string[] fields) =>
        fields.Length >= 2 && fields.Any(f => f.Equals("label", StringComparison.OrdinalIgnoreCase)) &&
        fields.Any(f => f.Equals("path", StringComparison.OrdinalIgnoreCase) || f.Equals("file", StringComparison.OrdinalIgnoreCase)
            || f.Equals("video", StringComparison.OrdinalIgnoreCase));

    private static bool IsInteger(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out _);

    private static void CheckEveryClass(VideoDataset dataset, DatasetOptions options)
    {
        if (!options.RequireEveryClass)
        {
            return;
        }
        var counts = dataset.CountPerClass();
        var empty = Enumerable.Range(0, counts.Length).Where(i => counts[i] == 0).Select(i => dataset.Classes[i]).ToList();
        if (empty.Count > 0)
        {
            throw new DatasetException(dataset.Source, $"no clips for class(es) {string.Join(", ", empty)}");
        }
    }
}
