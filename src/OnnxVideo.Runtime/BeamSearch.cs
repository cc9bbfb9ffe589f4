namespace OnnxVideo.Runtime;

/// <summary>
/// Beam search over clips batched as rows (clip c's beams are rows c·W … c·W+W−1): each step keeps the W best
/// continuations of a clip's live beams; a continuation by EOS among the W best becomes a finished hypothesis, and a
/// clip stops when it has W of them (or at the maximum length, where its live beams count as finished). The result of
/// a clip is its best finished hypothesis by log-probability / length^α.
/// </summary>
internal static class BeamSearch
{
    private sealed record Beam(List<int> Tokens, double LogProbability);

    public static TokenHypothesis[] Run(ITokenScorer scorer, int clips, int width, int vocabulary, int maxLength, float lengthPenalty, int bos, int eos, int pad)
    {
        var rows = clips * width;
        var beams = Enumerable.Range(0, rows).Select(r => new Beam([], r % width == 0 ? 0 : double.NegativeInfinity)).ToArray();
        var finished = Enumerable.Range(0, clips).Select(_ => new List<TokenHypothesis>()).ToArray();
        var tokens = Enumerable.Repeat((long)bos, rows).ToArray();
        var logProbabilities = new double[width * vocabulary];
        for (var position = 0; position < maxLength && finished.Any(f => f.Count < width); position++)
        {
            var logits = scorer.Next(tokens, position);
            var parents = Enumerable.Range(0, rows).ToArray();
            for (var c = 0; c < clips; c++)
            {
                if (finished[c].Count >= width)
                {
                    Array.Fill(tokens, pad, c * width, width);
                    continue;
                }
                for (var b = 0; b < width; b++)
                {
                    LogSoftmax.Row(logits.AsSpan((c * width + b) * vocabulary, vocabulary), logProbabilities.AsSpan(b * vocabulary, vocabulary));
                }
                var candidates = Best(beams.AsSpan(c * width, width), logProbabilities, vocabulary, 2 * width);
                var alive = new List<(int Beam, int Token, double Score)>();
                for (var rank = 0; rank < candidates.Count && alive.Count < width; rank++)
                {
                    var (beam, token, score) = candidates[rank];
                    if (token == eos)
                    {
                        if (rank < width)
                        {
                            finished[c].Add(new TokenHypothesis(beams[c * width + beam].Tokens, score, Finished: true));
                        }
                        continue;
                    }
                    alive.Add((beam, token, score));
                }
                while (alive.Count < width)
                {
                    alive.Add((0, pad, double.NegativeInfinity));
                }
                var next = alive.Select(a => new Beam([.. beams[c * width + a.Beam].Tokens, a.Token], a.Score)).ToArray();
                for (var b = 0; b < width; b++)
                {
                    parents[c * width + b] = c * width + alive[b].Beam;
                    tokens[c * width + b] = alive[b].Token;
                    beams[c * width + b] = next[b];
                }
            }
            scorer.Reorder(parents);
        }
        return Enumerable.Range(0, clips).Select(c => Choose(finished[c], beams.AsSpan(c * width, width), width, lengthPenalty)).ToArray();
    }

    /// <summary>The <paramref name="count"/> best (beam, token) continuations by total log-probability; ties go to the lower beam, then the lower token.</summary>
    private static List<(int Beam, int Token, double Score)> Best(ReadOnlySpan<Beam> beams, double[] logProbabilities, int vocabulary, int count)
    {
        var best = new List<(int Beam, int Token, double Score)>(count + 1);
        for (var b = 0; b < beams.Length; b++)
        {
            for (var v = 0; v < vocabulary; v++)
            {
                var score = beams[b].LogProbability + logProbabilities[b * vocabulary + v];
                if (best.Count == count && !(score > best[^1].Score))
                {
                    continue;
                }
                var at = best.Count;
                while (at > 0 && score > best[at - 1].Score)
                {
                    at--;
                }
                best.Insert(at, (b, v, score));
                if (best.Count > count)
                {
                    best.RemoveAt(count);
                }
            }
        }
        return best;
    }

    private static TokenHypothesis Choose(List<TokenHypothesis> finished, ReadOnlySpan<Beam> alive, int width, float lengthPenalty)
    {
        var pool = new List<TokenHypothesis>(finished);
        if (pool.Count < width)
        {
            foreach (var beam in alive)
            {
                if (!double.IsNegativeInfinity(beam.LogProbability))
                {
                    pool.Add(new TokenHypothesis(beam.Tokens, beam.LogProbability, Finished: false));
                }
            }
        }
        return pool.MaxBy(h => h.Normalized(lengthPenalty))!;
    }
}
