namespace OnnxVideo.Text;

/// <summary>
/// Corpus BLEU-4 as NLTK's <c>corpus_bleu</c> (uniform weights, no smoothing) and COCO's BLEU scorer ("closest"
/// reference length) compute it: clipped n-gram matches and hypothesis n-gram counts summed over the corpus, their
/// ratios' geometric mean, times the brevity penalty exp(1 − r/c) when the hypotheses' total length c is below r, the
/// sum of each hypothesis's closest reference length (ties to the shorter). Where NLTK counts a hypothesis shorter than
/// n as one n-gram slot (its max(1, ·)), so does this. A corpus without any match of some order scores 0 (NLTK returns
/// 1e-77 or less there: it puts the smallest normal double in place of each zero precision).
/// </summary>
internal static class CorpusBleu
{
    public static double Score(IReadOnlyList<string[]> hypotheses, IReadOnlyList<string[][]> references)
    {
        var matches = new long[NGramCounts.MaxOrder];
        var totals = new long[NGramCounts.MaxOrder];
        long hypothesisLength = 0, referenceLength = 0;
        for (var i = 0; i < hypotheses.Count; i++)
        {
            var hypothesis = hypotheses[i];
            var counts = NGramCounts.Of(hypothesis);
            var referenceCounts = references[i].Select(NGramCounts.Of).ToArray();
            for (var n = 0; n < NGramCounts.MaxOrder; n++)
            {
                foreach (var (gram, count) in counts[n])
                {
                    var most = referenceCounts.Max(r => r[n].GetValueOrDefault(gram));
                    matches[n] += Math.Min(count, most);
                }
                totals[n] += Math.Max(1, hypothesis.Length - n);
            }
            hypothesisLength += hypothesis.Length;
            referenceLength += references[i].Select(r => r.Length)
                .MinBy(length => (Math.Abs(length - hypothesis.Length), length));
        }
        if (matches.Any(m => m == 0))
        {
            return 0;
        }
        var logPrecision = Enumerable.Range(0, NGramCounts.MaxOrder).Sum(n => Math.Log((double)matches[n] / totals[n])) / NGramCounts.MaxOrder;
        var brevity = hypothesisLength >= referenceLength ? 1 : Math.Exp(1 - (double)referenceLength / hypothesisLength);
        return brevity * Math.Exp(logPrecision);
    }
}
