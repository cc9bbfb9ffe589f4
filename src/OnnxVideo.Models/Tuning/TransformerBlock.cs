using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Models.Tuning;

/// <summary>
/// A pre-norm transformer block found in a graph: <paramref name="Input"/> (the token sequence [N, L, Width]) feeds a
/// LayerNormalization → attention branch added back by <paramref name="AttentionAdd"/>, whose output feeds a
/// LayerNormalization → MLP branch added back by <paramref name="MlpAdd"/>, the block's output.
/// </summary>
internal sealed record TransformerBlock(int Index, string Input, NodeProto AttentionAdd, int AttentionBranch, NodeProto MlpAdd, int MlpBranch, long Width)
{
    public string Output => MlpAdd.Output[0];
}
