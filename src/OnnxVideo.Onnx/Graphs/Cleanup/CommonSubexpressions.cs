using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Onnx.Graphs.Cleanup;

/// <summary>
/// Common-subexpression elimination: a node with the op type, domain, inputs (after earlier merges) and attributes of
/// an earlier node is dropped and its outputs are read from the earlier node's. Random ops are never merged (two
/// draws are two different tensors), nor nodes with subgraphs, nor a node producing a graph output (its name is the
/// graph's interface).
/// </summary>
internal static class CommonSubexpressions
{
    private static readonly HashSet<string> Stateful = new(StringComparer.Ordinal)
    {
        "RandomNormal", "RandomNormalLike", "RandomUniform", "RandomUniformLike", "Multinomial", "Bernoulli", "Dropout",
    };

    /// <summary>Merges in place, in graph order (the graph must be topologically sorted); returns how many nodes were dropped.</summary>
    public static int Merge(GraphProto graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var graphOutputs = graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        var replacement = new Dictionary<string, string>(StringComparer.Ordinal);
        var firstByKey = new Dictionary<string, NodeProto>(StringComparer.Ordinal);
        var kept = new List<NodeProto>(graph.Node.Count);
        foreach (var node in graph.Node)
        {
            for (var i = 0; i < node.Input.Count; i++)
            {
                if (replacement.TryGetValue(node.Input[i], out var earlier))
                {
                    node.Input[i] = earlier;
                }
            }
            if (!Mergeable(node, graphOutputs))
            {
                kept.Add(node);
                continue;
            }
            var key = Key(node);
            if (firstByKey.TryGetValue(key, out var first) && node.Output.Select((o, i) => o.Length == 0 || first.Output[i].Length > 0).All(ok => ok))
            {
                for (var i = 0; i < node.Output.Count; i++)
                {
                    if (node.Output[i].Length > 0)
                    {
                        replacement[node.Output[i]] = first.Output[i];
                    }
                }
                continue;
            }
            firstByKey.TryAdd(key, node);
            kept.Add(node);
        }
        var merged = graph.Node.Count - kept.Count;
        if (merged > 0)
        {
            graph.Node.Clear();
            graph.Node.AddRange(kept);
            RenameSubgraphReads(graph, replacement);
            var keptInfo = graph.ValueInfo.Where(v => !replacement.ContainsKey(v.Name)).ToList();
            graph.ValueInfo.Clear();
            graph.ValueInfo.AddRange(keptInfo);
        }
        return merged;
    }

    private static bool Mergeable(NodeProto node, HashSet<string> graphOutputs) =>
        !Stateful.Contains(node.OpType) && node.Output.Count > 0 && !node.Output.Any(graphOutputs.Contains)
        && !node.Attribute.Any(a => a.G is not null || a.Graphs.Count > 0);

    /// <summary>Domain, op type, inputs, output count and a digest of the attributes by name (a tensor's own name
    /// does not count, so two equal Constant nodes match).</summary>
    private static string Key(NodeProto node)
    {
        var text = new StringBuilder().Append(node.Domain).Append('\u0001').Append(node.OpType).Append('\u0001').Append(node.Output.Count);
        foreach (var input in node.Input)
        {
            text.Append('\u0001').Append(input);
        }
        if (node.Attribute.Count > 0)
        {
            using var attributes = new MemoryStream();
            foreach (var attribute in node.Attribute.OrderBy(a => a.Name, StringComparer.Ordinal))
            {
                var normalized = attribute;
                if (attribute.T is { Name.Length: > 0 })
                {
                    normalized = attribute.Clone();
                    normalized.T.Name = "";
                }
                normalized.WriteDelimitedTo(attributes);
            }
            text.Append('\u0002').Append(Convert.ToHexString(SHA256.HashData(attributes.ToArray())));
        }
        return text.ToString();
    }

    /// <summary>Outer-scope reads of subgraphs (If, Loop bodies) follow the merges too.</summary>
    private static void RenameSubgraphReads(GraphProto graph, Dictionary<string, string> replacement)
    {
        var outerReads = graph.Node.Where(n => n.Attribute.Any(a => a.G is not null || a.Graphs.Count > 0))
            .SelectMany(NodeValues.Reads).Where(replacement.ContainsKey).Distinct(StringComparer.Ordinal).ToList();
        foreach (var from in outerReads)
        {
            GraphRewrites.RenameValue(graph, from, replacement[from]);
        }
    }
}
