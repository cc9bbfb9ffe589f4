using OnnxVideo.Onnx.Proto;
using OnnxVideo.Onnx.Shapes;

namespace OnnxVideo.Onnx.Graphs;

/// <summary>
/// Rewrites 3-D convolutions as 2-D convolutions over reshaped tensors (issue 17 levers 3 and 3c), so they reach ONNX
/// Runtime's 2-D (NCHWc) kernels: a spatial (1,k,k) conv with no temporal stride or padding becomes Transpose →
/// Reshape [N·T, C, H, W] → Conv2d → Reshape → Transpose; a temporal (k,1,1) conv with no spatial stride or padding
/// becomes Reshape [N, C, T, H·W] → Conv2d (k,1) → Reshape; any other one-group conv (a full 3×3×3 kernel, temporal
/// strides or padding) becomes one 2-D conv over its temporal taps stacked along the channels
/// (<see cref="Conv3dTapStacking"/>). Weights are reshaped by nodes, so a trainable weight keeps its 5-D shape; in
/// the training graphs the rewrite runs before autodiff, so the gradients are those of the Conv, Slice, Concat,
/// Reshape and Transpose rules. Convs whose shapes are not known statically are left as they are. Kernel taps that
/// read only padding are cut first (<see cref="ConvDeadTapTrimming"/>).
/// </summary>
internal static class Conv3dTo2dLowering
{
    private static readonly long[] FramesNextToBatch = [0, 2, 1, 3, 4];

    /// <summary>
    /// Rewrites every eligible Conv of <paramref name="graph"/> in place; returns how many. <paramref name="fullKernels"/>
    /// says what becomes of the convs that are neither spatial nor temporal (null: they stay 3-D), and
    /// <paramref name="stackWhere"/> which of them (all when null); <paramref name="convWhere"/>, when given, which
    /// convs are rewritten at all, in any form.
    /// </summary>
    public static int Rewrite(GraphProto graph, TapStackForm? fullKernels = TapStackForm.Stacked, Func<NodeProto, ConvAxis[], bool>? stackWhere = null,
        Func<NodeProto, bool>? convWhere = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ConvDeadTapTrimming.Rewrite(graph);
        var shapes = ShapeInference.Run(graph);
        var builder = GraphBuilder.Wrap(graph);
        var lowered = 0;
        foreach (var node in graph.Node.Where(n => n.OpType == "Conv" && n.Domain.Length == 0 && n.Input.Count >= 2 && convWhere?.Invoke(n) != false).ToList())
        {
            if (shapes.ShapeOf(node.Input[0]) is not { Rank: 5 } x || shapes.ShapeOf(node.Input[1]) is not { Rank: 5, IsFullyKnown: true } w)
            {
                continue;
            }
            var weight = w.ToArray();
            if (ConvGeometry.Compute(node, x, weight[2..], isPool: false) is not { } axes)
            {
                continue;
            }
            var first = graph.Node.Count;
            // Temporal first: a 1×1×1 conv needs no transposes in that form.
            if (IsIdentity(axes[1]) && IsIdentity(axes[2]))
            {
                EmitTemporal(builder, node, weight, axes);
            }
            else if (IsIdentity(axes[0]))
            {
                EmitSpatial(builder, node, weight, axes);
            }
            else if (fullKernels is not { } form || stackWhere?.Invoke(node, axes) == false || !Conv3dTapStacking.TryEmit(builder, node, weight, axes, form))
            {
                continue;
            }
            var at = graph.Node.IndexOf(node);
            var emitted = graph.Node.Count - first;
            GraphRewrites.MoveAppendedNodes(graph, first, at);
            graph.Node.RemoveAt(at + emitted);
            lowered++;
        }
        return lowered;
    }

    /// <summary>An axis the kernel leaves alone: size-1 kernel, stride 1, no padding.</summary>
    private static bool IsIdentity(ConvAxis axis) => axis is { Kernel: 1, Stride: 1, PadBegin: 0, PadEnd: 0 };

    private static void EmitSpatial(GraphBuilder g, NodeProto conv, long[] weight, ConvAxis[] axes)
    {
        var (t, h, w) = (axes[0].In, axes[1], axes[2]);
        var groups = AttributeValues.Int(conv, "group", 1);
        var prefix = Prefix(conv);
        var framesFirst = g.Node("Transpose", [conv.Input[0]], Attributes(("perm", FramesNextToBatch)), $"{prefix}/frames_first");
        var images = g.Node("Reshape", [framesFirst, g.Constant([-1, weight[1] * groups, h.In, w.In])], name: $"{prefix}/as_images");
        var kernel = g.Node("Reshape", [conv.Input[1], g.Constant([weight[0], weight[1], weight[3], weight[4]])], name: $"{prefix}/kernel_2d");
        var y = Conv2d(g, conv, [images, kernel, .. Bias(conv)], groups, h, w, $"{prefix}/conv_2d");
        FramesToVolume(g, conv, y, t, weight[0], h.Out, w.Out);
    }

    private static void EmitTemporal(GraphBuilder g, NodeProto conv, long[] weight, ConvAxis[] axes)
    {
        var (t, h, w) = (axes[0], axes[1].In, axes[2].In);
        var groups = AttributeValues.Int(conv, "group", 1);
        var prefix = Prefix(conv);
        var images = g.Node("Reshape", [conv.Input[0], g.Constant([0, weight[1] * groups, t.In, h * w])], name: $"{prefix}/pixels_flat");
        var kernel = g.Node("Reshape", [conv.Input[1], g.Constant([weight[0], weight[1], weight[2], 1])], name: $"{prefix}/kernel_2d");
        var y = Conv2d(g, conv, [images, kernel, .. Bias(conv)], groups, t, new ConvAxis(h * w, 1, 1, 1, 0, 0, h * w), $"{prefix}/conv_2d");
        Final(g, "Reshape", [y, g.Constant([0, weight[0], t.Out, h, w])], null, conv.Output[0], $"{prefix}/pixels_volume");
    }

    /// <summary>The Conv's bias input, when it has one.</summary>
    internal static string[] Bias(NodeProto conv) => conv.Input.Count > 2 && conv.Input[2].Length > 0 ? [conv.Input[2]] : [];

    internal static string Conv2d(GraphBuilder g, NodeProto conv, IReadOnlyList<string> inputs, long groups, ConvAxis first,
        ConvAxis second, string name) =>
        g.Node("Conv", inputs, Attributes(
            ("kernel_shape", new[] { first.Kernel, second.Kernel }),
            ("strides", new[] { first.Stride, second.Stride }),
            ("dilations", new[] { first.Dilation, second.Dilation }),
            ("pads", new[] { first.PadBegin, second.PadBegin, first.PadEnd, second.PadEnd }),
            ("group", (object)groups)), name);

    /// <summary>[N·T, Cout, H, W] frames back to the Conv's [N, Cout, T, H, W] output.</summary>
    internal static void FramesToVolume(GraphBuilder g, NodeProto conv, string frames, long t, long channels, long h, long w)
    {
        var prefix = Prefix(conv);
        var volumes = g.Node("Reshape", [frames, g.Constant([-1, t, channels, h, w])], name: $"{prefix}/as_volumes");
        Final(g, "Transpose", [volumes], Attributes(("perm", FramesNextToBatch)), conv.Output[0], $"{prefix}/channels_first");
    }

    /// <summary>The last node, writing the Conv's own output name.</summary>
    internal static void Final(GraphBuilder g, string op, string[] inputs, Dictionary<string, object>? attributes, string output, string name,
        string domain = "")
    {
        var node = new NodeProto { OpType = op, Name = g.UniqueName(name), Domain = domain };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        foreach (var (key, value) in attributes ?? [])
        {
            node.Attribute.Add(AttributeValues.Create(key, value));
        }
        g.Graph.Node.Add(node);
    }

    internal static Dictionary<string, object> Attributes(params (string Key, object Value)[] values) =>
        values.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal);

    internal static long[] FramesFirst => FramesNextToBatch;

    internal static string Prefix(NodeProto conv) => (conv.Name.Length > 0 ? conv.Name : conv.Output[0]) + "/as2d";
}
