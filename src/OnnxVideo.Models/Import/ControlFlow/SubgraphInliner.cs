using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Models.Import.ControlFlow;

/// <summary>Copies the nodes of a subgraph (an If branch, one Loop iteration) into the outer graph.</summary>
internal static class SubgraphInliner
{
    /// <summary>True when no node of <paramref name="graph"/> has subgraphs of its own (those are not inlined).</summary>
    public static bool IsFlat(GraphProto graph) =>
        graph.Node.All(n => n.Attribute.All(a => a.G is null && a.Graphs.Count == 0));

    /// <summary>
    /// Clones the nodes of <paramref name="subgraph"/> with its declared inputs replaced by <paramref name="inputs"/>,
    /// its initializers added to the outer graph and every value it computes renamed to a name unused outside
    /// (<paramref name="suffix"/> appended). Values read from the outer scope keep their names. Returns the cloned
    /// nodes, in order, and the outer names of the subgraph's outputs.
    /// </summary>
    public static (List<NodeProto> Nodes, string[] Outputs) Inline(GraphBuilder outer, GraphProto subgraph,
        IReadOnlyDictionary<string, string> inputs, string suffix)
    {
        var names = new Dictionary<string, string>(inputs, StringComparer.Ordinal);
        foreach (var tensor in subgraph.Initializer)
        {
            var copy = tensor.Clone();
            copy.Name = outer.UniqueName(tensor.Name + suffix);
            outer.Graph.Initializer.Add(copy);
            names[tensor.Name] = copy.Name;
        }
        var nodes = new List<NodeProto>();
        foreach (var node in subgraph.Node)
        {
            var clone = node.Clone();
            clone.Name = node.Name + suffix;
            for (var i = 0; i < clone.Input.Count; i++)
            {
                if (names.TryGetValue(clone.Input[i], out var renamed))
                {
                    clone.Input[i] = renamed;
                }
            }
            for (var i = 0; i < clone.Output.Count; i++)
            {
                if (clone.Output[i].Length > 0)
                {
                    clone.Output[i] = names[node.Output[i]] = outer.UniqueName(node.Output[i] + suffix);
                }
            }
            nodes.Add(clone);
        }
        var outputs = subgraph.Output.Select(o => names.GetValueOrDefault(o.Name, o.Name)).ToArray();
        return (nodes, outputs);
    }

    /// <summary>An Identity node giving <paramref name="value"/> the name <paramref name="output"/>.</summary>
    public static NodeProto Identity(string value, string output, string name)
    {
        var node = new NodeProto { OpType = "Identity", Name = name };
        node.Input.Add(value);
        node.Output.Add(output);
        return node;
    }

    /// <summary>Replaces <paramref name="graph"/>'s node at <paramref name="index"/> by <paramref name="nodes"/>.</summary>
    public static void Replace(GraphProto graph, int index, IReadOnlyList<NodeProto> nodes)
    {
        graph.Node.RemoveAt(index);
        for (var i = 0; i < nodes.Count; i++)
        {
            graph.Node.Insert(index + i, nodes[i]);
        }
    }
}
