using OnnxVideo.Packaging.Tuning;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Graphs;
using OnnxVideo.Onnx.Proto;
using OnnxVideo.Ort;
using OnnxVideo.Training.Sessions;

namespace OnnxVideo.Training.Packages;

/// <summary>
/// Splits a head-only training package at the classifier's input: a backbone graph (video → features) and a package
/// whose graphs start from the features. The parameters, their names and optimizer state are unchanged, so checkpoints
/// and inference export of the original package apply. Used to cache frozen-backbone features across epochs.
/// </summary>
internal sealed record HeadOnlyPackage(TrainingPackageLayout Head, string BackbonePath, string FeatureName, long[] FeatureShape)
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
        if (package.Names.DropoutSeed is not null)
        {
            reason = "the training graphs drop out, so the head's inputs change every step";
            return null;
        }
        var eval = OnnxModelFile.Load(package.EvalPath, loadExternalData: true);
        var consumer = new GraphView(eval.Graph).Consumers(package.HeadWeight).Select(u => u.Node).FirstOrDefault();
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
        backbone.Graph.Output.Clear();
        backbone.Graph.Output.Add(new ValueInfoProto
        {
            Name = feature,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } },
        });
        GraphRewrites.Prune(backbone.Graph);
        if (backbone.Graph.Node.Any(n => n.Input.Any(trainable.Contains)))
        {
            reason = "trainable parameters feed the backbone";
            return null;
        }
        var backbonePath = Path.Combine(workDirectory, "backbone.onnx");
        OnnxModelFile.Save(backbone, backbonePath);
        var featureShape = MeasureFeatureShape(backbonePath, package.Names.Video);
        var featureInput = GraphBuilder.ValueInfo(feature, TensorProto.Types.DataType.Float, ["N", .. featureShape.Select(d => (Dim)d)]);

        string? Cut(string path, string name, bool eval = false)
        {
            var model = OnnxModelFile.Load(path, loadExternalData: true);
            var video = model.Graph.Input.FirstOrDefault(i => i.Name == package.Names.Video);
            if (video is not null)
            {
                model.Graph.Input.Remove(video);
            }
            // The eval graph's features output is the backbone's: the head's eval graph keeps only the loss and logits.
            foreach (var output in model.Graph.Output.Where(o => eval && o.Name != package.Names.Loss && o.Name != package.Names.Logits).ToList())
            {
                model.Graph.Output.Remove(output);
            }
            if (GraphRewrites.CutAt(model.Graph, featureInput.Clone()).Count > 0)
            {
                return null;
            }
            var cutPath = Path.Combine(workDirectory, name);
            OnnxModelFile.Save(model, cutPath);
            return cutPath;
        }

        var trainStep = Cut(package.TrainStepPath, "train_step.onnx");
        var evalHead = Cut(package.EvalPath, "eval.onnx", eval: true);
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
}
