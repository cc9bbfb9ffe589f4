using System.Globalization;

namespace OnnxVideo.Training.Data;

/// <summary>
/// Class names in model order, read from a class-map file: one name per line (index = line order, from 0), or
/// <c>index name</c> / <c>name index</c> / <c>index,name</c> lines (UCF101's classInd.txt numbers classes from 1).
/// Integer labels in list files are looked up through the file's own indices.
/// </summary>
internal sealed class ClassMap
{
    private readonly Dictionary<int, int> _positionByFileIndex;

    private ClassMap(IReadOnlyList<string> names, Dictionary<int, int> positionByFileIndex)
    {
        Names = names;
        _positionByFileIndex = positionByFileIndex;
    }

    public IReadOnlyList<string> Names { get; }

    /// <summary>Names in order, labels 0..n-1.</summary>
    public static ClassMap FromNames(IReadOnlyList<string> names)
    {
        var duplicate = names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new DatasetException("class list", $"class '{duplicate.Key}' is named twice");
        }
        return new ClassMap(names.ToArray(), Enumerable.Range(0, names.Count).ToDictionary(i => i, i => i));
    }

    /// <summary>Maps an integer label as written in a list file to a class position, or -1.</summary>
    public int PositionOfIndex(int fileIndex) => _positionByFileIndex.GetValueOrDefault(fileIndex, -1);

    public int PositionOfName(string name)
    {
        for (var i = 0; i < Names.Count; i++)
        {
            if (string.Equals(Names[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }
        return -1;
    }

    public static ClassMap Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new DatasetException(path, "class-map file not found");
        }
        var names = new List<string>();
        var indexed = new List<(int Index, string Name, int Line)>();
        var lineNumber = 0;
        foreach (var raw in File.ReadLines(path))
        {
            lineNumber++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            var fields = ListFileFields.Split(line);
            if (fields.Length == 2 && TryIndex(fields[0], out var first))
            {
                indexed.Add((first, fields[1], lineNumber));
            }
            else if (fields.Length == 2 && TryIndex(fields[1], out var second))
            {
                indexed.Add((second, fields[0], lineNumber));
            }
            else if (fields.Length == 1)
            {
                names.Add(fields[0]);
            }
            else
            {
                throw new DatasetException($"{path}:{lineNumber}", $"expected 'name' or 'index name', got '{line}'");
            }
        }
        if (names.Count > 0 && indexed.Count > 0)
        {
            throw new DatasetException(path, "mixes plain names with 'index name' lines");
        }
        if (names.Count == 0 && indexed.Count == 0)
        {
            throw new DatasetException(path, "class-map file names no classes");
        }
        if (names.Count > 0)
        {
            try
            {
                return FromNames(names);
            }
            catch (DatasetException e)
            {
                throw new DatasetException(path, e.Problem);
            }
        }
        var ordered = indexed.OrderBy(e => e.Index).ToList();
        var positions = new Dictionary<int, int>();
        var seenNames = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < ordered.Count; i++)
        {
            var entry = ordered[i];
            if (!positions.TryAdd(entry.Index, i))
            {
                throw new DatasetException($"{path}:{entry.Line}", $"index {entry.Index} is used twice");
            }
            if (!seenNames.Add(entry.Name))
            {
                throw new DatasetException($"{path}:{entry.Line}", $"class '{entry.Name}' is named twice");
            }
        }
        return new ClassMap(ordered.Select(e => e.Name).ToArray(), positions);
    }

    private static bool TryIndex(string text, out int index) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out index);
}
