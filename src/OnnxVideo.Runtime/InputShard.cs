using System.Globalization;

namespace OnnxVideo.Runtime;

/// <summary>
/// Shard <see cref="Index"/> of <see cref="Count"/> (0-based, as Kubernetes indexed jobs number them): of the input
/// list sorted by ordinal path, the items whose position modulo <see cref="Count"/> is <see cref="Index"/>. Every
/// machine sorting the same list gets a disjoint share, and together the shards cover the list.
/// </summary>
internal readonly record struct InputShard(int Index, int Count)
{
    public static InputShard All => new(0, 1);

    /// <summary>Parses "i/N" with 0 ≤ i &lt; N.</summary>
    public static InputShard Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int count)
            || count < 1 || index >= count)
        {
            throw new FormatException($"shard '{text}': expected i/N with 0 <= i < N, e.g. 0/4");
        }
        return new InputShard(index, count);
    }

    /// <summary>This shard's items of <paramref name="paths"/>, after sorting them ordinally and dropping duplicates.</summary>
    public IReadOnlyList<string> Select(IEnumerable<string> paths)
    {
        var sorted = paths.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var mine = new List<string>(sorted.Count / Count + 1);
        for (int i = Index; i < sorted.Count; i += Count)
        {
            mine.Add(sorted[i]);
        }
        return mine;
    }

    public override string ToString() => $"{Index}/{Count}";
}
