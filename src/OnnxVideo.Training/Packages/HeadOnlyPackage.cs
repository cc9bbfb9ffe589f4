using OnnxVideo.Export.Tuning;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;
using OnnxVideo.Ort;
using OnnxVideo.Training.Sessions;

namespace OnnxVideo.Training.Packages;

/// <summary>
/// Splits a head-only training package at the classifier's input: a backbone graph (video → features) and a package
/// whose graphs start from the features. The parameters, their names and optimizer state are unchanged, so checkpoints
/// and inference export of the original package apply. Used to cache frozen-backbone features across epochs.
/// </summary>
public sealed record HeadOnlyPackage(TrainingPackageLayout Head, string BackbonePath, string FeatureName, long[] FeatureShape)
{
    /// <summary>
    /// Writes the split graphs into <paramref name="workDirectory"/>; null (with the reason) when the package is not
    /// head-only or its graphs do not split cleanly at the head's input.
    /// </summary>
    public static HeadOnlyPackage? TryCreate(TrainingPackageLayout package, string workDirectory, out string reason)
    {
        if (package.Tuning != TuningKind.Head || package.HeadWeight is null)
        {
            reason = "the package does not tune the head only";
            return null;
        }
        if (package.Buffers.Count > 0)
        {
            reason = "BatchNormalization layers train, so backbone features change every step";
            return null;
        }
        var eval = OnnxModelFile.Load(package.EvalPath, loadExternalData: true);
        var consumer = eval.Graph.Node.FirstOrDefault(n => n.Input.Contains(package.HeadWeight));
        var trainable = package.Parameters.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var initializers = eval.Graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var feature = consumer?.Input.FirstOrDefault(i => i.Length > 0 && !trainable.Contains(i) && !initializers.Contains(i));
        if (consumer is null || feature is null || feature == package.Names.Video)
        {
            reason = $"no node takes the head weight '{package.HeadWeight}' and a feature tensor";
            return null;
        }
        Directory.CreateDirectory(workDirectory);
        var backbone = eval.Clone();
        KeepOnly(backbone.Graph, [feature], [package.Names.Video]);
        if (backbone.Graph.Node.Any(n => n.Input.Any(trainable.Contains)))
        {
            reason = "trainable parameters feed the backbone";
            return null;
        }
        backbone.Graph.Output.Clear();
        backbone.Graph.Output.Add(new ValueInfoProto
        {
            Name = feature,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } },
        });
        var backbonePath = Path.Combine(workDirectory, "backbone.onnx");
        OnnxModelFile.Save(backbone, backbonePath);
        var featureShape = MeasureFeatureShape(backbonePath, package.Names.Video);
        var featureInput = GraphBuilder.ValueInfo(feature, TensorProto.Types.DataType.Float, ["N", .. featureShape.Select(d => (Dim)d)]);

        string? Cut(string path, string name)
        {
            var model = OnnxModelFile.Load(path, loadExternalData: true);
            var graph = model.Graph;
            var upstream = Ancestors(graph, feature);
            var kept = graph.Node.Where(n => !upstream.Contains(n)).ToList();
            graph.Node.Clear();
            graph.Node.AddRange(kept);
            var video = graph.Input.FirstOrDefault(i => i.Name == package.Names.Video);
            if (video is not null)
            {
                graph.Input.Remove(video);
            }
            graph.Input.Add(featureInput.Clone());
            PruneInitializers(graph);
            var available = graph.Input.Select(i => i.Name).Concat(graph.Initializer.Select(i => i.Name))
                .Concat(graph.Node.SelectMany(n => n.Output)).ToHashSet(StringComparer.Ordinal);
            if (graph.Node.SelectMany(n => n.Input).Any(i => i.Length > 0 && !available.Contains(i)))
            {
                return null;
            }
            var cutPath = Path.Combine(workDirectory, name);
            OnnxModelFile.Save(model, cutPath);
            return cutPath;
        }

        var trainStep = Cut(package.TrainStepPath, "train_step.onnx");
        var evalHead = Cut(package.EvalPath, "eval.onnx");
        var gradients = Cut(package.GradientsPath, "grads.onnx");
        if (trainStep is null || evalHead is null || gradients is null)
        {
            reason = "values computed before the head's input are used after it";
            return null;
        }
        reason = "";
        var head = package with
        {
            TrainStepPath = trainStep,
            EvalPath = evalHead,
            GradientsPath = gradients,
            FrozenPath = null,
            Names = package.Names with { Video = feature },
        };
        return new HeadOnlyPackage(head, backbonePath, feature, featureShape);
    }

    /// <summary>Runs the backbone once on a zero clip to learn the feature shape after the batch dimension.</summary>
    private static long[] MeasureFeatureShape(string backbonePath, string videoName)
    {
        using var session = BackboneSession.Open(backbonePath, new OrtSessionOptions { IntraOpThreads = 1 });
        var input = session.Inputs.Single(i => i.Name == videoName);
        long[] shape = [1, .. input.Shape.Skip(1)];
        if (shape.Any(d => d <= 0))
        {
            throw new TrainingSessionException(backbonePath, $"input '{videoName}' {input.ShapeText} needs fixed dimensions after the batch");
        }
        var zeros = new float[shape.Aggregate(1L, (a, b) => a * b)];
        using var value = OrtValue.CreateTensor(zeros, shape);
        var outputs = session.Run([videoName], [value]);
        try
        {
            return outputs[0].Shape.Skip(1).ToArray();
        }
        finally
        {
            foreach (var o in outputs)
            {
                o.Dispose();
            }
        }
    }

    private static HashSet<NodeProto> Ancestors(GraphProto graph, string value)
    {
        var producer = new Dictionary<string, NodeProto>(StringComparer.Ordinal);
        foreach (var node in graph.Node)
        {
            foreach (var output in node.Output)
            {
                producer[output] = node;
            }
        }
        var result = new HashSet<NodeProto>();
        var pending = new Stack<string>([value]);
        while (pending.TryPop(out var name))
        {
            if (producer.TryGetValue(name, out var node) && result.Add(node))
            {
                foreach (var input in node.Input)
                {
                    pending.Push(input);
                }
            }
        }
        return result;
    }

    private static void KeepOnly(GraphProto graph, IReadOnlyList<string> outputs, IReadOnlyList<string> inputs)
    {
        var needed = outputs.SelectMany(o => Ancestors(graph, o)).ToHashSet();
        var kept = graph.Node.Where(needed.Contains).ToList();
        graph.Node.Clear();
        graph.Node.AddRange(kept);
        var keptInputs = graph.Input.Where(i => inputs.Contains(i.Name)).ToList();
        graph.Input.Clear();
        graph.Input.AddRange(keptInputs);
        PruneInitializers(graph);
    }

    private static void PruneInitializers(GraphProto graph)
    {
        var used = graph.Node.SelectMany(n => n.Input).ToHashSet(StringComparer.Ordinal);
        var kept = graph.Initializer.Where(i => used.Contains(i.Name)).ToList();
        graph.Initializer.Clear();
        graph.Initializer.AddRange(kept);
        var keptInfo = graph.ValueInfo.Where(v => used.Contains(v.Name)).ToList();
        graph.ValueInfo.Clear();
        graph.ValueInfo.AddRange(keptInfo);
    }
}
