using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Onnx.Graphs;

/// <summary>The value names a node reads and writes.</summary>
internal static class NodeValues
{
    /// <summary>Optional input <paramref name="index"/> of a node, or null when absent or given as "".</summary>
    public static string? Input(NodeProto node, int index) =>
        index < node.Input.Count && node.Input[index].Length > 0 ? node.Input[index] : null;

    /// <summary>Optional output <paramref name="index"/> of a node, or null when absent or given as "".</summary>
    public static string? Output(NodeProto node, int index) =>
        index < node.Output.Count && node.Output[index].Length > 0 ? node.Output[index] : null;

    /// <summary>
    /// Every value the node depends on: its non-empty inputs and the outer-scope values its subgraphs (If, Loop, Scan
    /// bodies) read without declaring them.
    /// </summary>
    public static IEnumerable<string> Reads(NodeProto node)
    {
        var explicitInputs = node.Input.Where(i => i.Length > 0);
        var subgraphs = node.Attribute.SelectMany(a => a.G is null ? a.Graphs : a.Graphs.Prepend(a.G)).ToList();
        return subgraphs.Count == 0 ? explicitInputs : explicitInputs.Concat(subgraphs.SelectMany(OuterReads)).Distinct(StringComparer.Ordinal);
    }

    private static IEnumerable<string> OuterReads(GraphProto graph)
    {
        var defined = graph.Input.Select(v => v.Name).Concat(graph.Initializer.Select(t => t.Name))
            .Concat(graph.Node.SelectMany(n => n.Output)).ToHashSet(StringComparer.Ordinal);
        return graph.Node.SelectMany(Reads).Concat(graph.Output.Select(o => o.Name)).Where(v => !defined.Contains(v));
    }
}
