using OnnxVideo.Onnx;
using OnnxVideo.Models.Tuning;
using OnnxVideo.Packaging;

namespace OnnxVideo.Models.Compilation;

/// <summary>
/// What a package trains: its io names, the logits' class count (the vocabulary for captioners), and how the scalar
/// loss is appended to a graph variant (<c>training</c> is true for the gradients and train-step graphs, false for eval).
/// </summary>
internal sealed record TrainingObjective(PackageIoNames Io, int ClassCount, Func<GraphBuilder, bool, string> AddLoss)
{
    /// <summary>The captioner's inference graphs and configuration; null for classifiers.</summary>
    public CaptionGraphs? Caption { get; init; }

    /// <summary>Where adapters and prompt tokens go; null: found from the graph's residual structure.</summary>
    public TuningSites? Sites { get; init; }

    /// <summary>A classifier's features output, which the eval graph keeps (few-shot, episodes); null if none.</summary>
    public OnnxVideo.Onnx.Proto.ValueInfoProto? Features { get; init; }
}
