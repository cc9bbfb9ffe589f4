namespace OnnxVideo.Runtime;

/// <summary>Reruns decoder.onnx on the whole prefix for every token (no cache): the reference the cache must match.</summary>
internal sealed class RecomputingTokenScorer(CaptionDecoderRunner runner, float[] memory, int rows) : ITokenScorer
{
    private List<long>[] prefixes = Enumerable.Range(0, rows).Select(_ => new List<long>()).ToArray();

    public float[] Next(long[] tokens, int position)
    {
        var length = position + 1;
        var batch = new long[rows * length];
        for (var r = 0; r < rows; r++)
        {
            prefixes[r].Add(tokens[r]);
            prefixes[r].CopyTo(batch, r * length);
        }
        var logits = runner.FullLogits(memory, rows, batch, length);
        var vocabulary = runner.Vocabulary;
        var last = new float[rows * vocabulary];
        for (var r = 0; r < rows; r++)
        {
            Array.Copy(logits, ((long)r * length + position) * vocabulary, last, (long)r * vocabulary, vocabulary);
        }
        return last;
    }

    public void Reorder(IReadOnlyList<int> parents) => prefixes = parents.Select(p => new List<long>(prefixes[p])).ToArray();

    public void Dispose()
    {
    }
}
