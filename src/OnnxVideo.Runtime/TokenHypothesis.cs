namespace OnnxVideo.Runtime;

/// <summary>Generated caption tokens (EOS excluded), their total log-probability, and whether EOS ended them.</summary>
internal sealed record TokenHypothesis(IReadOnlyList<int> Tokens, double LogProbability, bool Finished)
{
    /// <summary>Log-probability / length^α, the length counting EOS when the hypothesis has one.</summary>
    public double Normalized(float lengthPenalty) =>
        LogProbability / Math.Pow(Math.Max(1, Tokens.Count + (Finished ? 1 : 0)), lengthPenalty);
}
