namespace OnnxVideo.Models.Zoo;

/// <summary>
/// A zoo 3-D CNN: convolutional stages up to a last feature map [C, T', H', W'], then global average pooling (the
/// <c>features</c> [C]) and a linear head <c>fc</c>. <see cref="FeatureMap"/> alone is what a captioner takes as its
/// encoder (<see cref="CnnCaptionEncoder"/>), its T'·H'·W' positions as memory tokens.
/// </summary>
internal abstract class VideoCnn : ZooArchitecture
{
    public const string HeadPrefix = "fc";

    public override IReadOnlyList<string> HeadParameters { get; } = [HeadPrefix + ".weight", HeadPrefix + ".bias"];

    /// <summary>The network before global pooling: the last feature map [C, T', H', W'] of one sample.</summary>
    public abstract ZooValue FeatureMap(ZooGraph graph, ZooValue video);

    /// <summary>The feature map's per-sample shape and the parameters and buffers it declares, from a build without weights.</summary>
    public (long[] Shape, IReadOnlyList<(string Name, long[] Shape)> Declared) MeasureFeatureMap(int frames, int size)
    {
        var graph = new ZooGraph(new Onnx.GraphBuilder(Name), parameters: null);
        var map = FeatureMap(graph, new ZooValue(ModelZoo.InputName, InputShape(frames, size)));
        return (map.Shape, graph.Declared);
    }

    public sealed override ZooNetworkOutputs Define(ZooGraph graph, ZooValue video, int classes)
    {
        var features = graph.GlobalAveragePool(FeatureMap(graph, video), ModelZoo.FeaturesName);
        var logits = graph.Linear(features, HeadPrefix, classes, ParameterInit.Normal(0.01), ModelZoo.LogitsName);
        return new ZooNetworkOutputs(features, logits);
    }
}
