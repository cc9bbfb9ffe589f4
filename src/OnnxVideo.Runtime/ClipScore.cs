namespace OnnxVideo.Runtime;

/// <summary>
/// Scores of one sampled clip (averaged over its spatial crops): where it lies in the video and its class probabilities.
/// </summary>
public sealed record ClipScore(int ClipIndex, TimeSpan Start, TimeSpan End, float[] Probabilities)
{
    /// <summary>Index of the most probable class.</summary>
    public int TopIndex => ScoreMath.ArgMax(Probabilities);
}
