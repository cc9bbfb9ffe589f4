using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Models.Tuning;

/// <summary>
/// A place for an adapter. In a transformer block: the residual <paramref name="Add"/> after attention or MLP, whose
/// input <paramref name="BranchInput"/> is the block's branch ([N, L, Width]); in a CNN: the output
/// <paramref name="Value"/> of a residual block ([N, Width, T, H, W]).
/// </summary>
internal sealed record ResidualSite(string Name, NodeProto Add, int BranchInput, string Value, long Width, bool Tokens);
