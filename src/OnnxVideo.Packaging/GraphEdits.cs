using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Packaging;

/// <summary>Package-specific edits of a source graph; general ones (prune, rename) are <see cref="Onnx.Graphs.GraphRewrites"/>.</summary>
internal static class GraphEdits
{
    /// <summary>Removes initializers that are also listed as graph inputs from the input list (old exporters did that).</summary>
    public static void RemoveInitializerInputs(GraphProto graph)
    {
        var initializers = graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        for (var i = graph.Input.Count - 1; i >= 0; i--)
        {
            if (initializers.Contains(graph.Input[i].Name))
            {
                graph.Input.RemoveAt(i);
            }
        }
    }

    /// <summary>
    /// Replaces Identity nodes that copy an initializer by their own initializer. torch.onnx.export stores equal
    /// tensors once and re-creates the other names with Identity (e.g. every zero-initialised BatchNorm bias and
    /// running mean share one tensor); separate tensors give each parameter, and each running statistic, its own value.
    /// </summary>
    public static void MaterializeInitializerCopies(GraphProto graph)
    {
        var initializers = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var outputs = graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < graph.Node.Count; i++)
        {
            var node = graph.Node[i];
            if (node.OpType != "Identity" || node.Input.Count != 1 || !initializers.TryGetValue(node.Input[0], out var source) ||
                outputs.Contains(node.Output[0]))
            {
                continue;
            }
            var copy = source.Clone();
            copy.Name = node.Output[0];
            graph.Initializer.Add(copy);
            initializers[copy.Name] = copy;
            graph.Node.RemoveAt(i--);
        }
    }

    /// <summary>Turns initializers into float graph inputs of the same shape; returns the removed tensors in order.</summary>
    public static List<TensorProto> PromoteToInputs(GraphProto graph, IReadOnlyList<string> names)
    {
        var byName = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var removed = new List<TensorProto>();
        foreach (var name in names)
        {
            var t = byName[name];
            graph.Initializer.Remove(t);
            graph.Input.Add(Onnx.GraphBuilder.ValueInfo(name, (TensorProto.Types.DataType)t.DataType, t.Dims.Select(d => (Onnx.Dim)d).ToArray()));
            removed.Add(t);
        }
        return removed;
    }
}
