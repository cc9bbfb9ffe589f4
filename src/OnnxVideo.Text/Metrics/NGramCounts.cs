namespace OnnxVideo.Text;

/// <summary>The n-grams of a word sequence for n = 1..<see cref="MaxOrder"/>, counted; an n-gram is its words joined
/// by single spaces (normalised words hold no spaces, so the key is unique).</summary>
internal static class NGramCounts
{
    public const int MaxOrder = 4;

    /// <summary>counts[n - 1] maps each n-gram to its count.</summary>
    public static Dictionary<string, int>[] Of(string[] words)
    {
        var counts = new Dictionary<string, int>[MaxOrder];
        for (var n = 1; n <= MaxOrder; n++)
        {
            var table = counts[n - 1] = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i + n <= words.Length; i++)
            {
                var gram = string.Join(' ', words, i, n);
                table[gram] = table.GetValueOrDefault(gram) + 1;
            }
        }
        return counts;
    }
}
