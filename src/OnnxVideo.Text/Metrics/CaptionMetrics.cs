namespace OnnxVideo.Text;

/// <summary>
/// Caption quality over a set of items: each item has one hypothesis (a generated caption) and one or more reference
/// captions. Every caption is normalised (lower case, single spaces) and split into words at spaces before scoring.
/// </summary>
public static class CaptionMetrics
{
    /// <summary>Corpus BLEU-4 in [0, 1] (NLTK's corpus_bleu with uniform weights; COCO-caption's BLEU-4 with the
    /// closest reference length): clipped 1..4-gram precisions summed over the corpus, their geometric mean, times the
    /// brevity penalty. 0 when some order has no match at all.</summary>
    public static double Bleu4(IReadOnlyList<string> hypotheses, IReadOnlyList<IReadOnlyList<string>> references)
    {
        var (h, r) = Words(hypotheses, references);
        return CorpusBleu.Score(h, r);
    }

    /// <summary>CIDEr-D as COCO-caption (pycocoevalcap) computes it: TF-IDF 1..4-gram vectors with document
    /// frequencies from these items' references, clipped cosine similarity, Gaussian length penalty σ = 6, × 10,
    /// averaged over references and items. 10 is a perfect match on a set whose n-grams are rare; it has no fixed top.</summary>
    public static double CiderD(IReadOnlyList<string> hypotheses, IReadOnlyList<IReadOnlyList<string>> references)
    {
        var (h, r) = Words(hypotheses, references);
        return OnnxVideo.Text.CiderD.Score(h, r);
    }

    /// <summary>The share of items whose hypothesis equals one of its references (after normalisation), in [0, 1].</summary>
    public static double ExactMatch(IReadOnlyList<string> hypotheses, IReadOnlyList<IReadOnlyList<string>> references)
    {
        Check(hypotheses, references);
        var matches = 0;
        for (var i = 0; i < hypotheses.Count; i++)
        {
            var hypothesis = CaptionText.Normalize(hypotheses[i]);
            if (references[i].Any(reference => CaptionText.Normalize(reference) == hypothesis))
            {
                matches++;
            }
        }
        return (double)matches / hypotheses.Count;
    }

    private static (string[][] Hypotheses, string[][][] References) Words(IReadOnlyList<string> hypotheses,
        IReadOnlyList<IReadOnlyList<string>> references)
    {
        Check(hypotheses, references);
        return (hypotheses.Select(CaptionText.Words).ToArray(),
            references.Select(refs => refs.Select(CaptionText.Words).ToArray()).ToArray());
    }

    private static void Check(IReadOnlyList<string> hypotheses, IReadOnlyList<IReadOnlyList<string>> references)
    {
        ArgumentNullException.ThrowIfNull(hypotheses);
        ArgumentNullException.ThrowIfNull(references);
        if (hypotheses.Count == 0 || hypotheses.Count != references.Count)
        {
            throw new ArgumentException(
                $"one reference list per hypothesis, at least one item (got {hypotheses.Count} hypotheses, {references.Count} reference lists)");
        }
        for (var i = 0; i < references.Count; i++)
        {
            if (hypotheses[i] is null || references[i] is null || references[i].Count == 0 || references[i].Any(r => r is null))
            {
                throw new ArgumentException($"item {i}: a hypothesis and at least one reference, none null");
            }
        }
    }
}
