using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Export.Packaging;

/// <summary>Structural edits used when compiling and exporting packages.</summary>
internal static class GraphEdits
{
    /// <summary>Renames a value everywhere it appears: node outputs and inputs, graph outputs.</summary>
    public static void RenameValue(GraphProto graph, string from, string to)
    {
        foreach (var node in graph.Node)
        {
            for (var i = 0; i < node.Output.Count; i++)
            {
                if (node.Output[i] == from)
                {
                    node.Output[i] = to;
                }
            }
            for (var i = 0; i < node.Input.Count; i++)
            {
                if (node.Input[i] == from)
                {
                    node.Input[i] = to;
                }
            }
        }
        foreach (var output in graph.Output.Where(o => o.Name == from))
        {
            output.Name = to;
        }
    }

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

    /// <summary>Keeps only the nodes, initializers and inputs that the graph outputs depend on.</summary>
    public static void Prune(GraphProto graph)
    {
        var needed = graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        var keep = new HashSet<NodeProto>();
        for (var i = graph.Node.Count - 1; i >= 0; i--)
        {
            var node = graph.Node[i];
            if (node.Output.Any(needed.Contains))
            {
                keep.Add(node);
                needed.UnionWith(node.Input.Where(x => x.Length > 0));
            }
        }
        var nodes = graph.Node.Where(keep.Contains).ToList();
        graph.Node.Clear();
        graph.Node.AddRange(nodes);
        var initializers = graph.Initializer.Where(t => needed.Contains(t.Name)).ToList();
        graph.Initializer.Clear();
        graph.Initializer.AddRange(initializers);
        var inputs = graph.Input.Where(v => needed.Contains(v.Name)).ToList();
        graph.Input.Clear();
        graph.Input.AddRange(inputs);
        var valueInfo = graph.ValueInfo.Where(v => needed.Contains(v.Name)).ToList();
        graph.ValueInfo.Clear();
        graph.ValueInfo.AddRange(valueInfo);
    }
}
