using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Graphs;
using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Models.Import.ControlFlow;

/// <summary>
/// Replaces If nodes whose condition is known when the graph is built by the branch it takes. torch.onnx.export
/// writes <c>x.squeeze(1)</c> as an If on <c>x.size(1) == 1</c>; with static shapes that test is decided here.
/// </summary>
internal static class IfFolder
{
    /// <summary>Folds every decidable If of <paramref name="graph"/> (nodes in topological order); returns how many.</summary>
    public static int Apply(GraphProto graph)
    {
        if (!graph.Node.Any(n => n.OpType == "If"))
        {
            return 0;
        }
        var values = new StaticValues(new GraphView(graph), StaticValues.TryInferShapes(graph));
        var builder = GraphBuilder.Wrap(graph);
        var folded = 0;
        for (var k = 0; k < graph.Node.Count; k++)
        {
            var node = graph.Node[k];
            if (node.OpType != "If" || !StaticValues.IsDefaultDomain(node) || values.Bool(node.Input[0]) is not { } condition
                || AttributeValues.Find(node, condition ? "then_branch" : "else_branch")?.G is not { } branch
                || !SubgraphInliner.IsFlat(branch) || branch.Output.Count != node.Output.Count)
            {
                continue;
            }
            var (nodes, outputs) = SubgraphInliner.Inline(builder, branch, new Dictionary<string, string>(), "");
            for (var j = 0; j < node.Output.Count; j++)
            {
                if (node.Output[j].Length > 0)
                {
                    nodes.Add(SubgraphInliner.Identity(outputs[j], node.Output[j], $"{node.Name}/{(condition ? "then" : "else")}{j}"));
                }
            }
            SubgraphInliner.Replace(graph, k, nodes);
            k += nodes.Count - 1;
            folded++;
        }
        return folded;
    }
}
