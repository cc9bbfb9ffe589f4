using OnnxVideo.Onnx.Proto;
using OnnxVideo.Onnx.Shapes;

namespace OnnxVideo.Onnx.Graphs;

/// <summary>
/// Cuts from a 3-D Conv's kernel the outer taps that read only padding for every output position, reducing the
/// padding to match (issue 17 lever 15): a 3×3×3 kernel with padding 1 over one frame (r3d_18's and r2plus1d_18's
/// layer4 at 8 input frames) becomes a (1,3,3) kernel without temporal padding, which <see cref="Conv3dTo2dLowering"/>
/// then lowers as a spatial conv. The weight is cut by a Slice node, so a trainable weight keeps its shape and its cut
/// taps get a zero gradient, as before. Where the kept taps of a float32 weight are single elements apart (R(2+1)D's
/// (3,1,1) temporal kernels), which ORT's Slice and its gradient's Pad copy one element at a time, the cut is a MatMul
/// of the weight viewed as [Cout·Cin, taps] with a 0/1 selection matrix instead: on [512, 1152, 3, 1, 1], 1.6 → 0.5 ms
/// and 4.1 → 1.0 ms for the gradient (benchmarks/README.md lever 36); on runs of 3×3 taps the Slice is the faster.
/// The outputs are those of the padded conv up to summation order (the cut taps added zeros). Only leading and
/// trailing dead taps go, and only while the padding stays non-negative.
/// </summary>
internal static class ConvDeadTapTrimming
{
    /// <summary>Trims every eligible Conv of <paramref name="graph"/> in place; returns how many.</summary>
    public static int Rewrite(GraphProto graph)
    {
        var shapes = ShapeInference.Run(graph);
        var builder = GraphBuilder.Wrap(graph);
        var trimmed = 0;
        foreach (var node in graph.Node.Where(n => n.OpType == "Conv" && n.Domain.Length == 0 && n.Input.Count >= 2).ToList())
        {
            if (AttributeValues.String(node, "auto_pad", "NOTSET") != "NOTSET"
                || shapes.ShapeOf(node.Input[0]) is not { Rank: 5 } x || shapes.ShapeOf(node.Input[1]) is not { Rank: 5, IsFullyKnown: true } w
                || ConvGeometry.Compute(node, x, w.ToArray()[2..], isPool: false) is not { } axes)
            {
                continue;
            }
            var live = axes.Select(LiveTaps).ToArray();
            if (live.All(l => l.Count == 0))
            {
                continue;
            }
            var first = graph.Node.Count;
            Trim(builder, node, axes, live, shapes.ElemTypeOf(node.Input[1]) == TensorProto.Types.DataType.Float ? w.ToArray() : null);
            GraphRewrites.MoveAppendedNodes(graph, first, graph.Node.IndexOf(node));
            trimmed++;
        }
        return trimmed;
    }

    /// <param name="floatWeight">The weight's shape where it is float32 (the selection MatMul's type), else null.</param>
    private static void Trim(GraphBuilder g, NodeProto conv, ConvAxis[] axes, (long First, long Count)[] live, long[]? floatWeight)
    {
        var n = axes.Length;
        var kept = live.Select((l, i) => l.Count == 0 ? (First: 0L, Count: axes[i].Kernel) : l).ToArray();
        var starts = kept.Select(k => k.First).ToArray();
        var ends = kept.Select(k => k.First + k.Count).ToArray();
        var kernelAxes = Enumerable.Range(2, n).Select(i => (long)i).ToArray();
        var name = (conv.Name.Length > 0 ? conv.Name : conv.Output[0]) + "/live_taps";
        conv.Input[1] = floatWeight is not null && CutsSingleElements(kept, axes)
            ? SelectTaps(g, conv.Input[1], floatWeight, kept, name)
            : g.Node("Slice", [conv.Input[1], g.Constant(starts), g.Constant(ends), g.Constant(kernelAxes)], name: name);
        var pads = new long[2 * n];
        for (var i = 0; i < n; i++)
        {
            var (axis, tail) = (axes[i], axes[i].Kernel - ends[i]);
            pads[i] = axis.PadBegin - starts[i] * axis.Dilation;
            pads[i + n] = axis.PadEnd - tail * axis.Dilation;
        }
        SetInts(conv, "pads", pads);
        SetInts(conv, "kernel_shape", kept.Select(k => k.Count).ToArray());
    }

    /// <summary>
    /// The leading and trailing taps some output reads a real element with are kept; the range is narrowed no further
    /// than the padding allows (a cut tap's reach must lie within it). Count 0: nothing to trim on this axis.
    /// </summary>
    private static (long First, long Count) LiveTaps(ConvAxis a)
    {
        bool Live(long k)
        {
            // The first output whose window start at tap k is inside the input, then whether it still is.
            var offset = k * a.Dilation - a.PadBegin;
            var o = offset >= 0 ? 0 : (-offset + a.Stride - 1) / a.Stride;
            return o < a.Out && o * a.Stride + offset < a.In;
        }
        var first = 0L;
        while (first < a.Kernel && !Live(first) && a.PadBegin - (first + 1) * a.Dilation >= 0) first++;
        var last = a.Kernel - 1;
        while (last > first && !Live(last) && a.PadEnd - (a.Kernel - last) * a.Dilation >= 0) last--;
        var count = last - first + 1;
        return first == a.Kernel || count == a.Kernel ? (0, 0) : (first, count);
    }

    /// <summary>Whether every axis after the last cut one has a single tap, so the kept taps lie apart one by one.</summary>
    private static bool CutsSingleElements((long First, long Count)[] kept, ConvAxis[] axes)
    {
        var lastCut = Enumerable.Range(0, kept.Length).Last(i => kept[i].Count < axes[i].Kernel);
        return axes.Skip(lastCut + 1).All(a => a.Kernel == 1);
    }

    /// <summary>The kept taps of <paramref name="weight"/> [Cout, Cin, k…] as Reshape(MatMul(weight as [Cout·Cin, Πk], S)), S the
    /// 0/1 matrix that takes each kept tap from its place in the whole kernel; exact (a product with 1 plus zeros).</summary>
    private static string SelectTaps(GraphBuilder g, string w, long[] weight, (long First, long Count)[] kept, string name)
    {
        var kernel = weight[2..];
        var (all, cut) = (kernel.Aggregate(1L, (p, k) => p * k), kept.Aggregate(1L, (p, k) => p * k.Count));
        var select = new float[all * cut];
        for (var c = 0L; c < cut; c++)
        {
            var (rest, flat) = (c, 0L);
            var index = new long[kept.Length];
            for (var i = kept.Length - 1; i >= 0; i--)
            {
                index[i] = kept[i].First + rest % kept[i].Count;
                rest /= kept[i].Count;
            }
            for (var i = 0; i < kept.Length; i++)
            {
                flat = flat * kernel[i] + index[i];
            }
            select[flat * cut + c] = 1;
        }
        var rows = g.Node("Reshape", [w, g.Constant([weight[0] * weight[1], all])], name: $"{name}/rows");
        var taps = g.Node("MatMul", [rows, g.Initializer($"{name}/select", select, all, cut)], name: name);
        return g.Node("Reshape", [taps, g.Constant([weight[0], weight[1], .. kept.Select(k => k.Count)])], name: $"{name}/kernel");
    }

    private static void SetInts(NodeProto node, string name, long[] values)
    {
        var at = node.Attribute.ToList().FindIndex(a => a.Name == name);
        var attribute = AttributeValues.Create(name, values);
        if (at >= 0) node.Attribute[at] = attribute;
        else node.Attribute.Add(attribute);
    }
}
