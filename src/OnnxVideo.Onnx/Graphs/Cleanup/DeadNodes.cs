using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Onnx.Graphs.Cleanup;

/// <summary>Dead-code removal: nodes no graph output depends on, initializers no kept node reads and value_info of
/// values that no longer exist. Declared graph inputs all stay, read or not (they are the graph's interface).</summary>
internal static class DeadNodes
{
    /// <summary>Removes in place; returns how many nodes and initializers went.</summary>
    public static (int Nodes, int Initializers) Remove(GraphProto graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var outputs = graph.Output.Select(o => o.Name).ToList();
        var live = new GraphView(graph).Ancestors(outputs);
        var read = live.SelectMany(NodeValues.Reads).Concat(outputs).ToHashSet(StringComparer.Ordinal);
        var inputs = graph.Input.Select(v => v.Name).ToHashSet(StringComparer.Ordinal);
        var keptNodes = graph.Node.Where(live.Contains).ToList();
        var keptInitializers = graph.Initializer.Where(t => read.Contains(t.Name) || inputs.Contains(t.Name)).ToList();
        var removed = (graph.Node.Count - keptNodes.Count, graph.Initializer.Count - keptInitializers.Count);
        // Rebuilt rather than removed one by one: RepeatedField.Remove compares messages deeply (whole tensors).
        graph.Node.Clear();
        graph.Node.AddRange(keptNodes);
        graph.Initializer.Clear();
        graph.Initializer.AddRange(keptInitializers);
        var existing = read.Concat(inputs).Concat(keptNodes.SelectMany(n => n.Output)).ToHashSet(StringComparer.Ordinal);
        var keptInfo = graph.ValueInfo.Where(v => existing.Contains(v.Name)).ToList();
        graph.ValueInfo.Clear();
        graph.ValueInfo.AddRange(keptInfo);
        return removed;
    }
}
