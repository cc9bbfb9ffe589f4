using Google.Protobuf.Collections;
using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Onnx.Graphs;

/// <summary>Structural edits of a graph in place: pruning to what outputs need, cutting at a value, sorting, renaming values.</summary>
internal static class GraphRewrites
{
    /// <summary>
    /// Keeps only the nodes, initializers, inputs and value_info that <paramref name="needed"/> (default: the graph
    /// outputs) depend on; node order is kept. With <paramref name="keepInputs"/> every graph input that is not also
    /// an initializer stays, so the graph's interface does not change.
    /// </summary>
    public static void Prune(GraphProto graph, IEnumerable<string>? needed = null, bool keepInputs = false)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var roots = (needed ?? graph.Output.Select(o => o.Name)).ToList();
        var keep = new GraphView(graph).Ancestors(roots);
        var used = keep.SelectMany(NodeValues.Reads).Concat(keep.SelectMany(n => n.Output)).Concat(roots)
            .ToHashSet(StringComparer.Ordinal);
        var initializers = graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        KeepWhere(graph.Node, keep.Contains);
        KeepWhere(graph.Initializer, t => used.Contains(t.Name));
        KeepWhere(graph.Input, v => used.Contains(v.Name) || (keepInputs && !initializers.Contains(v.Name)));
        KeepWhere(graph.ValueInfo, v => used.Contains(v.Name));
    }

    /// <summary>
    /// Reorders the nodes so that each comes after the producers of what it reads (see
    /// <see cref="GraphView.TopologicalOrder"/>); a graph already in order is left as it is.
    /// </summary>
    public static void SortTopologically(GraphProto graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var order = new GraphView(graph).TopologicalOrder();
        if (!order.SequenceEqual(graph.Node, ReferenceEqualityComparer.Instance))
        {
            graph.Node.Clear();
            graph.Node.AddRange(order);
        }
    }

    /// <summary>
    /// Moves the nodes from <paramref name="firstAppended"/> to the end so that they start at
    /// <paramref name="insertAt"/>, in their order: nodes appended to rewrite one node go where that node is.
    /// </summary>
    public static void MoveAppendedNodes(GraphProto graph, int firstAppended, int insertAt)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(firstAppended, graph.Node.Count);
        ArgumentOutOfRangeException.ThrowIfNegative(insertAt);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(insertAt, firstAppended);
        var nodes = graph.Node.ToList();
        var reordered = nodes.Take(insertAt).Concat(nodes.Skip(firstAppended)).Concat(nodes.Take(firstAppended).Skip(insertAt)).ToList();
        graph.Node.Clear();
        graph.Node.AddRange(reordered);
    }

    /// <summary>
    /// Makes <paramref name="value"/> a graph input declared by <paramref name="declaration"/>: removes every node it
    /// depends on, then prunes what the outputs no longer need (graph inputs stay). Returns the values that kept nodes
    /// or outputs still read but nothing provides any more (computed before the cut and used after it); empty when the
    /// cut is clean.
    /// </summary>
    public static IReadOnlyList<string> CutAt(GraphProto graph, ValueInfoProto declaration)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(declaration);
        var upstream = new GraphView(graph).Ancestors(declaration.Name);
        KeepWhere(graph.Node, n => !upstream.Contains(n));
        if (!graph.Input.Any(i => i.Name == declaration.Name))
        {
            graph.Input.Add(declaration);
        }
        Prune(graph, keepInputs: true);
        var available = graph.Input.Select(i => i.Name).Concat(graph.Initializer.Select(t => t.Name))
            .Concat(graph.Node.SelectMany(n => n.Output)).ToHashSet(StringComparer.Ordinal);
        return graph.Node.SelectMany(NodeValues.Reads).Concat(graph.Output.Select(o => o.Name))
            .Where(v => !available.Contains(v)).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Renames a value everywhere it appears: graph inputs, outputs, initializers, value_info, node inputs and outputs,
    /// and subgraphs reading it from the outer scope. A value_info already declaring <paramref name="to"/> wins.
    /// </summary>
    public static void RenameValue(GraphProto graph, string from, string to)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentException.ThrowIfNullOrEmpty(from);
        ArgumentException.ThrowIfNullOrEmpty(to);
        if (graph.ValueInfo.Any(v => v.Name == to))
        {
            KeepWhere(graph.ValueInfo, v => v.Name != from);
        }
        foreach (var v in graph.Input.Concat(graph.Output).Concat(graph.ValueInfo).Where(v => v.Name == from))
        {
            v.Name = to;
        }
        foreach (var t in graph.Initializer.Where(t => t.Name == from))
        {
            t.Name = to;
        }
        RenameInNodes(graph, from, to);
    }

    private static void RenameInNodes(GraphProto graph, string from, string to)
    {
        foreach (var node in graph.Node)
        {
            Replace(node.Input, from, to);
            Replace(node.Output, from, to);
            foreach (var subgraph in node.Attribute.SelectMany(a => a.G is null ? a.Graphs : a.Graphs.Prepend(a.G)))
            {
                var shadowed = subgraph.Input.Any(v => v.Name == from) || subgraph.Initializer.Any(t => t.Name == from) ||
                    subgraph.Node.Any(n => n.Output.Contains(from));
                if (!shadowed)
                {
                    RenameInNodes(subgraph, from, to);
                    foreach (var o in subgraph.Output.Where(o => o.Name == from))
                    {
                        o.Name = to;
                    }
                }
            }
        }
    }

    private static void Replace(IList<string> names, string from, string to)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (names[i] == from)
            {
                names[i] = to;
            }
        }
    }

    private static void KeepWhere<T>(RepeatedField<T> list, Func<T, bool> keep)
    {
        var kept = list.Where(keep).ToList();
        if (kept.Count == list.Count)
        {
            return;
        }
        list.Clear();
        list.AddRange(kept);
    }
}
