namespace OnnxVideo.Text;

/// <summary>
/// Learns byte-level BPE merges: each round counts adjacent symbol pairs over the distinct chunks of the corpus
/// (weighted by how often each chunk occurs) and merges the most frequent pair; ties go to the smallest (left, right)
/// id pair, so the merges depend only on the corpus's chunk counts, not on its order. Training stops at the requested
/// vocabulary size or when no pair occurs twice.
/// </summary>
internal static class BpeTrainer
{
    public static List<(int Left, int Right)> Train(IEnumerable<string> corpus, int vocabularySize)
    {
        var counts = new Dictionary<string, (int[] Symbols, long Count)>(StringComparer.Ordinal);
        foreach (var caption in corpus)
        {
            ArgumentNullException.ThrowIfNull(caption, nameof(corpus));
            foreach (var chunk in ByteChunks.Of(CaptionText.Normalize(caption)))
            {
                var key = Convert.ToHexString(chunk);
                counts[key] = counts.TryGetValue(key, out var seen)
                    ? (seen.Symbols, seen.Count + 1)
                    : (chunk.Select(b => BpeTokenizer.FirstByte + b).ToArray(), 1);
            }
        }
        var words = counts.Values.Select(w => (w.Symbols, w.Count)).ToArray();
        var merges = new List<(int Left, int Right)>();
        while (BpeTokenizer.FirstMerge + merges.Count < vocabularySize)
        {
            if (MostFrequentPair(words) is not { } pair)
            {
                break;
            }
            var merged = BpeTokenizer.FirstMerge + merges.Count;
            merges.Add(pair);
            for (var i = 0; i < words.Length; i++)
            {
                words[i].Symbols = BpeTokenizer.Merge(words[i].Symbols, pair, merged);
            }
        }
        return merges;
    }

    private static (int Left, int Right)? MostFrequentPair((int[] Symbols, long Count)[] words)
    {
        var pairs = new Dictionary<(int, int), long>();
        foreach (var (symbols, count) in words)
        {
            for (var i = 0; i + 1 < symbols.Length; i++)
            {
                var pair = (symbols[i], symbols[i + 1]);
                pairs[pair] = pairs.GetValueOrDefault(pair) + count;
            }
        }
        (int Left, int Right)? best = null;
        long bestCount = 1;
        foreach (var (pair, count) in pairs)
        {
            if (count > bestCount || (count == bestCount && best is { } b && pair.CompareTo(b) < 0))
            {
                (best, bestCount) = (pair, count);
            }
        }
        return best;
    }
}
