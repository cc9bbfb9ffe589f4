using OnnxVideo.Onnx.Proto;
using OnnxVideo.Onnx.Shapes;

namespace OnnxVideo.Onnx.Graphs;

/// <summary>
/// Blocked convs whose outputs are only summed (the temporal taps of a 3-D conv's input gradient, issue 17 lever 23)
/// accumulate into one blocked buffer through the NCHWc Conv's fourth input, which ORT adds to the result in the same
/// pass and may overwrite in place (lever 24): tap k reads tap k − 1's blocked output as that input, and only the last
/// is reordered back. That drops the Sum's pass and all but one <c>ReorderOutput</c>, and the taps' NCHW outputs.
/// </summary>
internal static class NchwcSummedConvs
{
    /// <summary>Chains the blocked convs of every eligible Sum of <paramref name="graph"/>. <paramref name="shapes"/> are
    /// the shapes inferred before the convs were rewritten (the Sum's inputs keep their names).</summary>
    public static void Chain(GraphProto graph, ShapeInference shapes)
    {
        var view = new GraphView(graph);
        foreach (var sum in graph.Node.Where(n => n.OpType == "Sum" && n.Domain.Length == 0 && n.Input.Count >= 2).ToList())
        {
            if (Taps(view, shapes, sum) is not { } taps)
            {
                continue;
            }
            taps.Sort((a, b) => graph.Node.IndexOf(a.Conv).CompareTo(graph.Node.IndexOf(b.Conv)));
            for (var k = 1; k < taps.Count; k++)
            {
                var conv = taps[k].Conv;
                while (conv.Input.Count < 3)
                {
                    conv.Input.Add("");
                }
                conv.Input.Add(taps[k - 1].Conv.Output[0]);
                graph.Node.Remove(taps[k - 1].Reorder);
            }
            taps[^1].Reorder.Output[0] = sum.Output[0];
            graph.Node.Remove(sum);
        }
    }

    private readonly record struct Tap(NodeProto Conv, NodeProto Reorder);

    /// <summary>
    /// The blocked conv and <c>ReorderOutput</c> behind each input of <paramref name="sum"/>, or null unless every input
    /// is such a pair whose outputs feed only this Sum, all of one shape (no broadcasting).
    /// </summary>
    private static List<Tap>? Taps(GraphView view, ShapeInference shapes, NodeProto sum)
    {
        if (sum.Input.Distinct().Count() != sum.Input.Count || shapes.ShapeOf(sum.Input[0]) is not { } shape)
        {
            return null;
        }
        var taps = new List<Tap>();
        foreach (var input in sum.Input)
        {
            if (view.Producer(input) is not { OpType: "ReorderOutput", Domain: NchwcConvRewrite.Domain } reorder
                || view.Producer(reorder.Input[0]) is not { OpType: "Conv", Domain: NchwcConvRewrite.Domain } conv
                || conv.Input.Count > 3 || AttributeValues.String(conv, "activation", "") != ""
                || !OnlyFeeds(view, input, sum) || !OnlyFeeds(view, conv.Output[0], reorder)
                || shapes.ShapeOf(input) is not { } tapShape || !tapShape.SameAs(shape))
            {
                return null;
            }
            taps.Add(new Tap(conv, reorder));
        }
        return taps;
    }

    private static bool OnlyFeeds(GraphView view, string value, NodeProto consumer) =>
        !view.IsGraphOutput(value) && view.Consumers(value) is [var use] && ReferenceEquals(use.Node, consumer);
}
