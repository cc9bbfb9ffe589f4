namespace OnnxVideo.Training.Metrics;

/// <summary>Reading class score vectors (logits).</summary>
internal static class ClassScores
{
    /// <summary>Index of the highest score: the lowest such index on ties; NaN never wins; 0 when no score beats −∞.</summary>
    public static int ArgMax(ReadOnlySpan<float> scores)
    {
        var best = 0;
        var max = float.NegativeInfinity;
        for (var i = 0; i < scores.Length; i++)
        {
            if (scores[i] > max)
            {
                max = scores[i];
                best = i;
            }
        }
        return best;
    }

    /// <summary>How many rows of <paramref name="logits"/> (labels.Length rows, row-major) have their label as <see cref="ArgMax"/>.</summary>
    public static int CountCorrect(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels)
    {
        var classes = logits.Length / labels.Length;
        var correct = 0;
        for (var i = 0; i < labels.Length; i++)
        {
            correct += ArgMax(logits.Slice(i * classes, classes)) == labels[i] ? 1 : 0;
        }
        return correct;
    }
}
