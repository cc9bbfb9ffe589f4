using OnnxVideo.Onnx;
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

    /// <summary>Classifiers: the model's features output, kept by the eval graph (few-shot, episodes); null when it has none.</summary>
    public Onnx.Proto.ValueInfoProto? Features { get; init; }
}
