namespace OnnxVideo.Text;

/// <summary>Retrieval quality: queries (texts or clips) ranked against items by a score, one relevant item each.</summary>
public static class RetrievalMetrics
{
    /// <summary>
    /// The share of queries whose relevant item ranks among the top <paramref name="k"/> by score (higher is better),
    /// in [0, 1]. <paramref name="scores"/> is [query, item]; <paramref name="relevantItem"/>[q] is query q's item.
    /// Ties count against the relevant item (an item scoring the same ranks ahead of it), so constant scores give no
    /// false hits.
    /// </summary>
    public static double RecallAtK(double[,] scores, int[] relevantItem, int k)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(relevantItem);
        var (queries, items) = (scores.GetLength(0), scores.GetLength(1));
        if (queries == 0 || queries != relevantItem.Length)
        {
            throw new ArgumentException($"one relevant item per query, at least one query (got {queries} score rows, {relevantItem.Length} relevant items)");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        var hits = 0;
        for (var q = 0; q < queries; q++)
        {
            var relevant = relevantItem[q];
            if ((uint)relevant >= (uint)items)
            {
                throw new ArgumentOutOfRangeException(nameof(relevantItem), relevant, $"query {q}: item outside 0..{items - 1}");
            }
            var score = scores[q, relevant];
            var ahead = 0;
            for (var item = 0; item < items; item++)
            {
                var other = scores[q, item];
                if (double.IsNaN(other))
                {
                    throw new ArgumentException($"query {q}, item {item}: the score is NaN", nameof(scores));
                }
                if (item != relevant && other >= score)
                {
                    ahead++;
                }
            }
            if (ahead < k)
            {
                hits++;
            }
        }
        return (double)hits / queries;
    }
}
