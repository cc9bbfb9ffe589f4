using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Models.Import;

/// <summary>A linear classification head found in a graph by <see cref="ClassifierHeadFinder"/>.</summary>
/// <param name="Kind">Node pattern of the head.</param>
/// <param name="FeaturesValue">The head's input: the penultimate features.</param>
/// <param name="Weight">Name of the constant weight tensor.</param>
/// <param name="Bias">Name of the constant bias tensor, when the head has one.</param>
/// <param name="FeatureCount">F, the width of the features.</param>
/// <param name="ClassCount">Outputs of the head.</param>
/// <param name="LogitsOutput">The graph output the head feeds.</param>
/// <param name="Nodes">The head's nodes followed by the shape-only nodes (Identity, Flatten, Reshape, Squeeze)
/// between it and <paramref name="LogitsOutput"/>.</param>
internal sealed record ClassifierHead(
    ClassifierHeadKind Kind,
    string FeaturesValue,
    string Weight,
    string? Bias,
    int FeatureCount,
    int ClassCount,
    string LogitsOutput,
    IReadOnlyList<NodeProto> Nodes)
{
    /// <summary>Spatial axes averaged by a <see cref="ClassifierHeadKind.ConvMean"/> head (3 for video); 0 otherwise.</summary>
    public int SpatialRank { get; init; }
}
