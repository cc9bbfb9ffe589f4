namespace OnnxVideo.Text;

/// <summary>
/// CIDEr-D as pycocoevalcap's CiderScorer computes it. Document frequencies come from the references of the evaluated
/// set (an n-gram counts once per item whose references hold it); each caption becomes TF-IDF vectors per order
/// n = 1..4 with idf = log(items) − log(max(1, df)); the hypothesis's similarity to one reference is, per order, the sum
/// over the hypothesis's n-grams of min(hyp, ref) · ref (the clipping) divided by both norms (when neither is 0),
/// times the Gaussian length penalty exp(−δ² / (2σ²)), σ = 6; the item's score is the mean over orders, averaged over
/// its references, × 10; the corpus score is the mean over items. δ is the difference in length as pycocoevalcap
/// measures it: the number of bigrams (words − 1; 0 for a one-word caption).
/// </summary>
internal static class CiderD
{
    private const double Sigma = 6;

    public static double Score(IReadOnlyList<string[]> hypotheses, IReadOnlyList<string[][]> references)
    {
        var referenceCounts = references.Select(refs => refs.Select(NGramCounts.Of).ToArray()).ToArray();
        var documentFrequency = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var item in referenceCounts)
        {
            foreach (var gram in item.SelectMany(r => r.SelectMany(order => order.Keys)).Distinct(StringComparer.Ordinal))
            {
                documentFrequency[gram] = documentFrequency.GetValueOrDefault(gram) + 1;
            }
        }
        var logItems = Math.Log(hypotheses.Count);
        var total = 0.0;
        for (var i = 0; i < hypotheses.Count; i++)
        {
            var hypothesis = Vector(NGramCounts.Of(hypotheses[i]), documentFrequency, logItems);
            var sum = 0.0;
            foreach (var reference in referenceCounts[i])
            {
                sum += Similarity(hypothesis, Vector(reference, documentFrequency, logItems));
            }
            total += sum / referenceCounts[i].Length * 10;
        }
        return total / hypotheses.Count;
    }

    private sealed record TfIdf(Dictionary<string, double>[] Weights, double[] Norms, int Length);

    private static TfIdf Vector(Dictionary<string, int>[] counts, Dictionary<string, int> documentFrequency, double logItems)
    {
        var weights = new Dictionary<string, double>[counts.Length];
        var norms = new double[counts.Length];
        for (var n = 0; n < counts.Length; n++)
        {
            weights[n] = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var (gram, count) in counts[n])
            {
                var weight = count * (logItems - Math.Log(Math.Max(1, documentFrequency.GetValueOrDefault(gram))));
                weights[n][gram] = weight;
                norms[n] += weight * weight;
            }
            norms[n] = Math.Sqrt(norms[n]);
        }
        return new TfIdf(weights, norms, counts[1].Values.Sum());
    }

    private static double Similarity(TfIdf hypothesis, TfIdf reference)
    {
        var delta = (double)(hypothesis.Length - reference.Length);
        var penalty = Math.Exp(-(delta * delta) / (2 * Sigma * Sigma));
        var sum = 0.0;
        for (var n = 0; n < hypothesis.Weights.Length; n++)
        {
            var value = 0.0;
            foreach (var (gram, weight) in hypothesis.Weights[n])
            {
                var other = reference.Weights[n].GetValueOrDefault(gram);
                value += Math.Min(weight, other) * other;
            }
            if (hypothesis.Norms[n] != 0 && reference.Norms[n] != 0)
            {
                value /= hypothesis.Norms[n] * reference.Norms[n];
            }
            sum += value * penalty;
        }
        return sum / hypothesis.Weights.Length;
    }
}
