using OnnxVideo.Autodiff;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Graphs;
using OnnxVideo.Onnx.Proto;
using OnnxVideo.Packaging;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Models.Adversarial;

/// <summary>
/// The input-gradient graph of a classifier: inputs the clip batch and its int64 labels, outputs the logits, the
/// mean cross-entropy loss and d loss / d clip (<see cref="VideoGradientName"/>), differentiated by our autodiff
/// with respect to the video input instead of the parameters. Every parameter stays as it is (an initializer, or
/// a graph input a training package binds), and BatchNormalization keeps its inference form, so the gradient is that
/// of the model as evaluated: what FGSM and PGD step along.
/// </summary>
public static class InputGradientGraph
{
    public const string LabelsName = "labels";
    public const string LossName = "loss";
    public const string VideoGradientName = "video_grad";

    /// <summary>Builds the graph from an inference model (one video input; logits named "logits" or first).</summary>
    public static ModelProto FromInferenceModel(ModelProto model, string sourceName = "model")
    {
        var graph = model.Graph.Clone();
        GraphRewrites.SortTopologically(graph);
        GraphEdits.RemoveInitializerInputs(graph);
        if (graph.Input.Count != 1)
        {
            throw new TrainingPackageException(sourceName, $"expected one video input, the model has {graph.Input.Count} ({string.Join(", ", graph.Input.Select(i => i.Name))})");
        }
        var logits = graph.Output.FirstOrDefault(o => o.Name == "logits") ?? graph.Output.FirstOrDefault()
            ?? throw new TrainingPackageException(sourceName, "the model has no output");
        graph.Output.Clear();
        graph.Output.Add(logits);
        GraphRewrites.Prune(graph);
        var builder = GraphBuilder.Wrap(graph);
        var batch = BatchDim(graph.Input[0]);
        var labels = builder.Input(builder.IsNameUsed(LabelsName) ? throw Reserved(sourceName, LabelsName) : LabelsName, DataType.Int64, batch);
        Append(builder, graph.Input[0].Name, logits.Name, labels, sourceName);
        graph.Name = "input_gradient";
        var result = new ModelProto { IrVersion = Math.Max(model.IrVersion, 8), ProducerName = OnnxModels.ProducerName, Graph = graph };
        result.OpsetImport.AddRange(model.OpsetImport.Select(o => o.Clone()));
        result.MetadataProps.AddRange(model.MetadataProps.Select(p => p.Clone()));
        return result;
    }

    /// <summary>
    /// Appends loss and d loss / d <paramref name="video"/> to a graph that already computes <paramref name="logits"/>
    /// from it, with the labels input <paramref name="labels"/>; the loss is exposed as "loss" unless the graph has it.
    /// </summary>
    internal static void Append(GraphBuilder builder, string video, string logits, string labels, string sourceName)
    {
        var graph = builder.Graph;
        if (builder.IsNameUsed(VideoGradientName))
        {
            throw Reserved(sourceName, VideoGradientName);
        }
        var loss = graph.Output.Any(o => o.Name == LossName) ? LossName : ExposeLoss(builder, logits, labels, sourceName);
        var gradient = AutoDiff.AppendGradients(builder, loss, [video]).GradientOf(video);
        var identity = new NodeProto { OpType = "Identity", Name = builder.UniqueName(VideoGradientName + "/Identity") };
        identity.Input.Add(gradient);
        identity.Output.Add(VideoGradientName);
        graph.Node.Add(identity);
        var videoInfo = graph.Input.First(i => i.Name == video).Clone();
        videoInfo.Name = VideoGradientName;
        graph.Output.Add(videoInfo);
    }

    private static string ExposeLoss(GraphBuilder builder, string logits, string labels, string sourceName)
    {
        if (builder.IsNameUsed(LossName))
        {
            throw Reserved(sourceName, LossName);
        }
        var loss = Losses.SoftmaxCrossEntropy(builder, logits, labels, 0f);
        if (loss != LossName)
        {
            GraphRewrites.RenameValue(builder.Graph, loss, LossName);
        }
        builder.Output(LossName, DataType.Float);
        return LossName;
    }

    private static Dim BatchDim(ValueInfoProto video)
    {
        var dims = video.Type?.TensorType?.Shape?.Dim;
        if (dims is null || dims.Count == 0) return "N";
        return dims[0].DimParam.Length > 0 ? dims[0].DimParam : dims[0].DimValue > 0 ? dims[0].DimValue : "N";
    }

    private static TrainingPackageException Reserved(string sourceName, string name) =>
        new(sourceName, $"the model already uses the name '{name}', which the input-gradient graph reserves");
}
