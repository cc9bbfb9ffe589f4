namespace OnnxVideo.Runtime;

/// <summary>One decoder_step.onnx run per token: the key/value cache holds the prefix.</summary>
internal sealed class CachedTokenScorer(CaptionDecoderRunner runner, float[] memory, int rows) : ITokenScorer
{
    private readonly CaptionStepState state = runner.Start(memory, rows);

    public float[] Next(long[] tokens, int position) => runner.Step(state, tokens, position);

    public void Reorder(IReadOnlyList<int> parents) => state.Reorder(parents);

    public void Dispose() => state.Dispose();
}
