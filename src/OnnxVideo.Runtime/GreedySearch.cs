namespace OnnxVideo.Runtime;

/// <summary>Greedy decoding of a batch of rows: the most likely token each step (the lowest id on a tie) until EOS or the maximum length.</summary>
internal static class GreedySearch
{
    public static TokenHypothesis[] Run(ITokenScorer scorer, int rows, int vocabulary, int maxLength, int bos, int eos, int pad)
    {
        var tokens = Enumerable.Repeat((long)bos, rows).ToArray();
        var generated = Enumerable.Range(0, rows).Select(_ => new List<int>()).ToArray();
        var logProbability = new double[rows];
        var finished = new bool[rows];
        var logProbabilities = new double[vocabulary];
        for (var position = 0; position < maxLength && finished.Contains(false); position++)
        {
            var logits = scorer.Next(tokens, position);
            for (var r = 0; r < rows; r++)
            {
                if (finished[r])
                {
                    tokens[r] = pad;
                    continue;
                }
                LogSoftmax.Row(logits.AsSpan(r * vocabulary, vocabulary), logProbabilities);
                var best = 0;
                for (var v = 1; v < vocabulary; v++)
                {
                    if (logProbabilities[v] > logProbabilities[best])
                    {
                        best = v;
                    }
                }
                logProbability[r] += logProbabilities[best];
                finished[r] = best == eos;
                if (!finished[r])
                {
                    generated[r].Add(best);
                }
                tokens[r] = best;
            }
        }
        return Enumerable.Range(0, rows).Select(r => new TokenHypothesis(generated[r], logProbability[r], finished[r])).ToArray();
    }
}
