using OnnxVideo.Media;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Graphs;
using OnnxVideo.Onnx.Proto;
using OnnxVideo.Packaging.Contracts;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Training.FewShot;

/// <summary>
/// Replaces a model's head by the nearest-prototype classifier on its features output, so classify, evaluate and
/// <see cref="Runtime.VideoClassifier"/> serve it as any classifier: outputs "logits" [N, classes] (first) and the
/// features, class names in the contract. Cosine: features → L2-normalise → Gemm(W = scale·p̂, b = 0), which is also a
/// prototype-initialised linear head that <c>onnxvideo-export package --tune head|lora:…</c> trains like any other.
/// Euclidean: Gemm(f, W = 2p, b = −‖p‖²) − ‖f‖² = −‖f − p‖².
/// </summary>
public static class PrototypeModel
{
    public const float NormEpsilon = 1e-12f;
    public const string WeightName = "prototype_head.weight";
    public const string BiasName = "prototype_head.bias";

    public static ModelProto Build(ModelProto model, PrototypeSet prototypes, PreprocessingContract contract, IReadOnlyList<string> classes,
        string featuresOutput = "features", string source = "model")
    {
        var graph = model.Graph.Clone();
        var features = FeaturesOutput(graph, featuresOutput, prototypes.Prototypes[0].Length, source);
        graph.Output.Clear();
        graph.Output.Add(features);
        GraphRewrites.Prune(graph);
        var opset = OnnxModels.DefaultOpset(model);
        if (opset < 13)
        {
            throw new FewShotException(source, $"opset {opset} is below 13, which the prototype head's ReduceSum (axes as an input) needs");
        }
        var b = GraphBuilder.Wrap(graph);
        var squares = b.Node("ReduceSum", [b.Node("Mul", [featuresOutput, featuresOutput], name: "prototype_head/square"), b.Constant([1L])],
            new Dictionary<string, object> { ["keepdims"] = 1L }, name: "prototype_head/sum_squares");
        var (weight, bias) = HeadWeights(prototypes);
        b.Initializer(WeightName, weight, prototypes.ClassCount, prototypes.Prototypes[0].Length);
        b.Initializer(BiasName, bias, prototypes.ClassCount);
        var gemmAttributes = new Dictionary<string, object> { ["transB"] = 1L };
        if (prototypes.Metric == FewShotMetric.Cosine)
        {
            var norm = b.Node("Sqrt", [b.Node("Max", [squares, b.Constant(NormEpsilon * NormEpsilon)], name: "prototype_head/floor")], name: "prototype_head/norm");
            var unit = b.Node("Div", [featuresOutput, norm], name: "prototype_head/normalised");
            b.Node("Gemm", [unit, WeightName, BiasName], gemmAttributes, name: "logits");
        }
        else
        {
            var affine = b.Node("Gemm", [featuresOutput, WeightName, BiasName], gemmAttributes, name: "prototype_head/affine");
            b.Node("Sub", [affine, squares], name: "logits");
        }
        var batch = features.Type.TensorType.Shape.Dim[0];
        Dim batchDim = batch.DimParam.Length > 0 ? batch.DimParam : batch.DimValue > 0 ? batch.DimValue : "N";
        graph.Output.Insert(0, GraphBuilder.ValueInfo("logits", DataType.Float, batchDim, prototypes.ClassCount));
        var result = model.Clone();
        result.Graph = graph;
        ModelContracts.Write(result, contract with { Labels = [.. classes] }, "logits", source);
        ModelMetadata.Set(result, "onnxvideo.fewshot", $"{{\"metric\":\"{prototypes.Metric.ToString().ToLowerInvariant()}\",\"scale\":{prototypes.Scale.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}");
        return result;
    }

    /// <summary>The features output, checked to be [N, F] float with F the prototypes' length.</summary>
    internal static ValueInfoProto FeaturesOutput(GraphProto graph, string featuresOutput, int featureLength, string source)
    {
        var features = graph.Output.FirstOrDefault(o => o.Name == featuresOutput)
            ?? throw new FewShotException(source, $"has no output '{featuresOutput}' (outputs: {string.Join(", ", graph.Output.Select(o => o.Name))}); "
                + "export it with `onnxvideo-export create --features` or `head --features`");
        var dims = features.Type?.TensorType?.Shape?.Dim;
        if (features.Type?.TensorType?.ElemType != (int)DataType.Float || dims is not { Count: 2 } || (dims[1].DimValue > 0 && dims[1].DimValue != featureLength))
        {
            throw new FewShotException(source, $"output '{featuresOutput}' must be float features [N, {featureLength}]");
        }
        return features.Clone();
    }

    private static (float[] Weight, float[] Bias) HeadWeights(PrototypeSet set)
    {
        var dim = set.Prototypes[0].Length;
        var weight = new float[set.ClassCount * dim];
        var bias = new float[set.ClassCount];
        for (var c = 0; c < set.ClassCount; c++)
        {
            var p = set.Prototypes[c];
            double squared = 0;
            for (var d = 0; d < dim; d++)
            {
                weight[c * dim + d] = set.Metric == FewShotMetric.Cosine ? set.Scale * p[d] : 2 * p[d];
                squared += p[d] * (double)p[d];
            }
            bias[c] = set.Metric == FewShotMetric.Cosine ? 0f : (float)-squared;
        }
        return (weight, bias);
    }
}
