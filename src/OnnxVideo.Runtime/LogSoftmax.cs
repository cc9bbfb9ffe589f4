namespace OnnxVideo.Runtime;

/// <summary>log softmax of one row of logits, in double precision.</summary>
internal static class LogSoftmax
{
    public static void Row(ReadOnlySpan<float> logits, Span<double> destination)
    {
        double max = double.NegativeInfinity;
        foreach (var x in logits)
        {
            max = Math.Max(max, x);
        }
        double sum = 0;
        foreach (var x in logits)
        {
            sum += Math.Exp(x - max);
        }
        var log = max + Math.Log(sum);
        for (var i = 0; i < logits.Length; i++)
        {
            destination[i] = logits[i] - log;
        }
    }
}
