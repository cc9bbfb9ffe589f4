using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Graphs;
using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Models.Import.ControlFlow;

/// <summary>
/// Follows sequences whose elements are known when the graph is built (SequenceEmpty, SequenceConstruct,
/// SequenceInsert at constant positions) and replaces what reads them by plain tensor ops: SequenceAt at a constant
/// position becomes an Identity of that element, SequenceLength a constant, ConcatFromSequence a Concat. The sequence
/// ops left without readers are pruned.
/// </summary>
internal static class SequenceResolver
{
    /// <summary>Resolves what it can in <paramref name="graph"/>; returns the number of nodes replaced.</summary>
    public static int Apply(GraphProto graph)
    {
        var view = new GraphView(graph);
        var values = new StaticValues(view, null);
        var builder = GraphBuilder.Wrap(graph);
        var sequences = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var replaced = 0;
        for (var k = 0; k < graph.Node.Count; k++)
        {
            var node = graph.Node[k];
            if (!StaticValues.IsDefaultDomain(node) || node.Output.Count == 0)
            {
                continue;
            }
            var elements = node.Input.Count > 0 ? sequences.GetValueOrDefault(node.Input[0]) : null;
            switch (node.OpType)
            {
                case "SequenceEmpty":
                    sequences[node.Output[0]] = [];
                    break;
                case "SequenceConstruct":
                    sequences[node.Output[0]] = [.. node.Input];
                    break;
                case "Identity" when elements is not null:
                    sequences[node.Output[0]] = elements;
                    break;
                case "SequenceInsert" when elements is not null && Position(values, node, 2, elements.Count, insert: true) is { } at:
                    sequences[node.Output[0]] = [.. elements.Take(at), node.Input[1], .. elements.Skip(at)];
                    break;
                case "SequenceAt" when elements is not null && Position(values, node, 1, elements.Count, insert: false) is { } at:
                    graph.Node[k] = SubgraphInliner.Identity(elements[at], node.Output[0], node.Name);
                    replaced++;
                    break;
                case "SequenceLength" when elements is not null:
                    graph.Node[k] = ConstantNode(node, TensorProtos.FromInt64s("", [elements.Count]));
                    replaced++;
                    break;
                case "ConcatFromSequence" when elements is { Count: > 0 }:
                    var (nodes, inputs) = ConcatInputs(builder, node, elements);
                    var concat = new NodeProto { OpType = "Concat", Name = node.Name, Input = { inputs }, Output = { node.Output[0] } };
                    concat.Attribute.Add(AttributeValues.Create("axis", AttributeValues.Int(node, "axis", 0)));
                    SubgraphInliner.Replace(graph, k, [.. nodes, concat]);
                    k += nodes.Count;
                    replaced++;
                    break;
            }
        }
        if (replaced > 0)
        {
            GraphRewrites.Prune(graph, keepInputs: true);
        }
        return replaced;
    }

    /// <summary>
    /// A constant position input counted from the back when negative, as ONNX does; an insert may also go at
    /// <paramref name="count"/> (the end, its default).
    /// </summary>
    private static int? Position(StaticValues values, NodeProto node, int input, int count, bool insert)
    {
        if (NodeValues.Input(node, input) is not { } position)
        {
            return insert ? count : null;
        }
        if (values.Ints(position) is not [var at])
        {
            return null;
        }
        at = at < 0 ? at + count : at;
        return at >= 0 && (at < count || (insert && at == count)) ? (int)at : null;
    }

    /// <summary>ConcatFromSequence with new_axis 1 stacks: each element gets the new axis first.</summary>
    private static (List<NodeProto> Nodes, List<string> Inputs) ConcatInputs(GraphBuilder builder, NodeProto node, List<string> elements)
    {
        if (AttributeValues.Int(node, "new_axis", 0) == 0)
        {
            return ([], elements);
        }
        var axes = builder.Constant([AttributeValues.Int(node, "axis", 0)]);
        var nodes = elements.Select((e, i) => new NodeProto
        {
            OpType = "Unsqueeze", Name = $"{node.Name}/Unsqueeze{i}", Input = { e, axes }, Output = { builder.UniqueName($"{node.Output[0]}/element{i}") },
        }).ToList();
        return (nodes, nodes.Select(n => n.Output[0]).ToList());
    }

    private static NodeProto ConstantNode(NodeProto replaced, TensorProto value)
    {
        var node = new NodeProto { OpType = "Constant", Name = replaced.Name, Output = { replaced.Output[0] } };
        node.Attribute.Add(AttributeValues.Create("value", value));
        return node;
    }
}
