namespace OnnxVideo.Runtime;

/// <summary>Next-token logits for a batch of rows that each extend a token prefix by one token per call.</summary>
internal interface ITokenScorer : IDisposable
{
    /// <summary>Appends <paramref name="tokens"/> (one per row) at <paramref name="position"/>; returns logits [rows, V] for the next token.</summary>
    float[] Next(long[] tokens, int position);

    /// <summary>Row r continues the prefix of row <paramref name="parents"/>[r].</summary>
    void Reorder(IReadOnlyList<int> parents);
}
