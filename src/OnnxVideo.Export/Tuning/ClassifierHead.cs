using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Export.Tuning;

/// <summary>
/// The classification head: the last Gemm, or MatMul (+ Add of a bias), producing the logits output, found by
/// walking back from the logits through shape-only ops.
/// </summary>
public sealed record ClassifierHead(string Weight, string? Bias, string LogitsOutput)
{
    private static readonly HashSet<string> PassThrough = new(StringComparer.Ordinal) { "Identity", "Reshape", "Flatten", "Squeeze" };

    public IEnumerable<string> Parameters => Bias is null ? [Weight] : [Weight, Bias];

    /// <summary>Finds the head feeding <paramref name="logits"/> (default: the graph's first output).</summary>
    public static ClassifierHead Find(GraphProto graph, string? logits = null)
    {
        var index = new GraphIndex(graph);
        logits ??= graph.Output.Count > 0 ? graph.Output[0].Name : throw new TuningSpecException("head", "the model has no outputs");
        var value = logits;
        while (index.Producers.TryGetValue(value, out var node))
        {
            switch (node.OpType)
            {
                case "Gemm" when node.Input.Count > 1 && index.Initializers.ContainsKey(node.Input[1]):
                    return new ClassifierHead(node.Input[1], node.Input.Count > 2 && index.Initializers.ContainsKey(node.Input[2]) ? node.Input[2] : null, logits);
                case "MatMul" when index.Initializers.ContainsKey(node.Input[1]):
                    return new ClassifierHead(node.Input[1], null, logits);
                case "Add":
                    var biasSide = index.Initializers.ContainsKey(node.Input[1]) ? 1 : index.Initializers.ContainsKey(node.Input[0]) ? 0 : -1;
                    if (biasSide >= 0 && index.Producers.TryGetValue(node.Input[1 - biasSide], out var matMul) &&
                        matMul.OpType == "MatMul" && index.Initializers.ContainsKey(matMul.Input[1]))
                    {
                        return new ClassifierHead(matMul.Input[1], node.Input[biasSide], logits);
                    }
                    throw NotFound(logits, node);
                case var op when PassThrough.Contains(op):
                    value = node.Input[0];
                    break;
                default:
                    throw NotFound(logits, node);
            }
        }
        throw new TuningSpecException("head", $"the logits output '{logits}' is not computed by any node");
    }

    private static TuningSpecException NotFound(string logits, NodeProto node) =>
        new("head", $"cannot find the classification head: logits '{logits}' come from {GraphIndex.Describe(node)}, expected Gemm or MatMul(+Add) with weight initializers");
}
