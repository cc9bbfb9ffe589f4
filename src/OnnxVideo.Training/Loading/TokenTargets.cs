namespace OnnxVideo.Training.Loading;

/// <summary>
/// The token tensors of a batch of captioned clips, row-major [rows, <see cref="Length"/>]: <see cref="Tokens"/> =
/// BOS + caption ids and <see cref="Targets"/> = caption ids + EOS, both padded with <see cref="Pad"/> (pad positions
/// carry no loss).
/// </summary>
internal sealed record TokenTargets(long[] Tokens, long[] Targets, int Length, long Pad)
{
    public int Rows => Tokens.Length / Length;

    /// <summary>Target positions that are not padding (those the loss and the token accuracy count).</summary>
    public long ScoredTokens => Targets.LongCount(t => t != Pad);

    /// <summary>Each row repeated <paramref name="times"/> times in a row (for clips read as several evaluation views).</summary>
    public TokenTargets Repeat(int times)
    {
        if (times == 1)
        {
            return this;
        }
        var tokens = new long[Tokens.Length * times];
        var targets = new long[Targets.Length * times];
        for (var row = 0; row < Rows; row++)
        {
            for (var copy = 0; copy < times; copy++)
            {
                var to = (row * times + copy) * Length;
                Array.Copy(Tokens, row * Length, tokens, to, Length);
                Array.Copy(Targets, row * Length, targets, to, Length);
            }
        }
        return this with { Tokens = tokens, Targets = targets };
    }

    /// <summary>
    /// Counts target positions (non-pad) where the arg-max of <paramref name="logits"/> [rows, Length, vocabulary] is the
    /// target; (0, 0) for empty logits (a training graph that does not output them).
    /// </summary>
    public (long Correct, long Scored) CountCorrect(ReadOnlySpan<float> logits)
    {
        long correct = 0, scored = 0;
        if (logits.Length == 0 || logits.Length % Targets.Length != 0)
        {
            return (0, 0);
        }
        var vocabulary = logits.Length / Targets.Length;
        for (var i = 0; i < Targets.Length; i++)
        {
            if (Targets[i] == Pad)
            {
                continue;
            }
            scored++;
            var row = logits.Slice(i * vocabulary, vocabulary);
            var best = 0;
            for (var v = 1; v < vocabulary; v++)
            {
                if (row[v] > row[best])
                {
                    best = v;
                }
            }
            correct += best == Targets[i] ? 1 : 0;
        }
        return (correct, scored);
    }
}
