using OnnxVideo.Onnx.Proto;
using OnnxVideo.Onnx.Shapes;

namespace OnnxVideo.Onnx.Graphs.Cleanup;

/// <summary>
/// Constant folding of shape arithmetic: a Shape of a statically known shape, and the integer ops of
/// <see cref="IntFolders"/> over known inputs, become Constant nodes with the same output name. Static shapes come
/// from <see cref="ShapeInference"/> run from the graph inputs and initializers alone (value_info is set aside, since
/// an exporter's traced value_info may carry the example's batch size). An initializer that is also a graph input is
/// only a default the caller may replace, so it counts as neither a constant nor a known shape.
/// </summary>
internal static class ShapeArithmeticFolding
{
    /// <summary>Folds in place, in graph order (the graph must be topologically sorted); returns how many nodes became constants.</summary>
    public static int Fold(GraphProto graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var graphInputs = graph.Input.Select(v => v.Name).ToHashSet(StringComparer.Ordinal);
        var shapes = InferFromFixedValues(graph, graphInputs);
        var known = new Dictionary<string, IntTensor>(StringComparer.Ordinal);
        foreach (var t in graph.Initializer)
        {
            if (!graphInputs.Contains(t.Name) && IntTensor.From(t) is { } value)
            {
                known[t.Name] = value;
            }
        }
        var folded = 0;
        foreach (var node in graph.Node)
        {
            if (ConstantNodes.IsConstant(node))
            {
                if (node.Output.Count == 1 && ConstantNodes.Value(node) is { } tensor && IntTensor.From(tensor) is { } constant)
                {
                    known[node.Output[0]] = constant;
                }
                continue;
            }
            if (IntFolders.Find(node) is not { } evaluate || node.Output[0].Length == 0)
            {
                continue;
            }
            var inputs = node.Input.Select(i => i.Length > 0 ? known.GetValueOrDefault(i) : null).ToList();
            if (evaluate(node, inputs, shapes) is { } result && result.Values.Length <= IntTensor.MaxElements)
            {
                MakeConstant(node, result);
                known[node.Output[0]] = result;
                folded++;
            }
        }
        return folded;
    }

    private static ShapeInference InferFromFixedValues(GraphProto graph, HashSet<string> inputs)
    {
        var (valueInfo, initializers) = (graph.ValueInfo.ToList(), graph.Initializer.ToList());
        graph.ValueInfo.Clear();
        var defaults = initializers.Where(t => inputs.Contains(t.Name)).ToList();
        if (defaults.Count > 0)
        {
            graph.Initializer.Clear();
            graph.Initializer.AddRange(initializers.Where(t => !inputs.Contains(t.Name)));
        }
        try
        {
            return ShapeInference.Run(graph);
        }
        finally
        {
            graph.ValueInfo.AddRange(valueInfo);
            if (defaults.Count > 0)
            {
                graph.Initializer.Clear();
                graph.Initializer.AddRange(initializers);
            }
        }
    }

    private static void MakeConstant(NodeProto node, IntTensor value)
    {
        node.OpType = "Constant";
        node.Domain = "";
        node.Input.Clear();
        node.Attribute.Clear();
        node.Attribute.Add(new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, T = value.ToTensorProto() });
    }
}
