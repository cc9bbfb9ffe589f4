using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Graphs;
using OnnxVideo.Onnx.Proto;
using OnnxVideo.Onnx.Shapes;

namespace OnnxVideo.Models.Compilation;

/// <summary>
/// Rewrites 3-D convolutions whose kernel acts on one part of the volume as 2-D convolutions over a reshaped tensor
/// (issue 17 lever 3), so they reach ONNX Runtime's 2-D kernels: a spatial (1,k,k) conv with no temporal stride or
/// padding becomes Transpose → Reshape [N·T, C, H, W] → Conv2d → Reshape → Transpose; a temporal (k,1,1) conv with no
/// spatial stride or padding becomes Reshape [N, C, T, H·W] → Conv2d (k,1) → Reshape. The weight is reshaped by a node,
/// so a trainable weight keeps its 5-D shape, and the rewrite runs before autodiff: the gradients are those of the
/// Conv, Reshape and Transpose rules. Convs whose shapes are not known statically are left as they are.
/// </summary>
internal static class Conv3dTo2dLowering
{
    private static readonly long[] FramesNextToBatch = [0, 2, 1, 3, 4];

    /// <summary>Rewrites every eligible Conv of <paramref name="graph"/> in place; returns how many.</summary>
    public static int Rewrite(GraphProto graph)
    {
        var shapes = ShapeInference.Run(graph);
        var builder = GraphBuilder.Wrap(graph);
        var lowered = 0;
        foreach (var node in graph.Node.Where(n => n.OpType == "Conv" && n.Domain.Length == 0 && n.Input.Count >= 2).ToList())
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
            else
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
        var y = Conv2d(g, conv, images, kernel, groups, h, w, $"{prefix}/conv_2d");
        var volumes = g.Node("Reshape", [y, g.Constant([-1, t, weight[0], h.Out, w.Out])], name: $"{prefix}/as_volumes");
        Final(g, "Transpose", [volumes], Attributes(("perm", FramesNextToBatch)), conv.Output[0], $"{prefix}/channels_first");
    }

    private static void EmitTemporal(GraphBuilder g, NodeProto conv, long[] weight, ConvAxis[] axes)
    {
        var (t, h, w) = (axes[0], axes[1].In, axes[2].In);
        var groups = AttributeValues.Int(conv, "group", 1);
        var prefix = Prefix(conv);
        var images = g.Node("Reshape", [conv.Input[0], g.Constant([0, weight[1] * groups, t.In, h * w])], name: $"{prefix}/pixels_flat");
        var kernel = g.Node("Reshape", [conv.Input[1], g.Constant([weight[0], weight[1], weight[2], 1])], name: $"{prefix}/kernel_2d");
        var y = Conv2d(g, conv, images, kernel, groups, t, new ConvAxis(h * w, 1, 1, 1, 0, 0, h * w), $"{prefix}/conv_2d");
        Final(g, "Reshape", [y, g.Constant([0, weight[0], t.Out, h, w])], null, conv.Output[0], $"{prefix}/pixels_volume");
    }

    private static string Conv2d(GraphBuilder g, NodeProto conv, string images, string kernel, long groups, ConvAxis first,
        ConvAxis second, string name)
    {
        var inputs = new List<string> { images, kernel };
        if (conv.Input.Count > 2 && conv.Input[2].Length > 0)
        {
            inputs.Add(conv.Input[2]);
        }
        return g.Node("Conv", inputs, Attributes(
            ("kernel_shape", new[] { first.Kernel, second.Kernel }),
            ("strides", new[] { first.Stride, second.Stride }),
            ("dilations", new[] { first.Dilation, second.Dilation }),
            ("pads", new[] { first.PadBegin, second.PadBegin, first.PadEnd, second.PadEnd }),
            ("group", (object)groups)), name);
    }

    /// <summary>The last node, writing the Conv's own output name.</summary>
    private static void Final(GraphBuilder g, string op, string[] inputs, Dictionary<string, object>? attributes, string output, string name)
    {
        var node = new NodeProto { OpType = op, Name = g.UniqueName(name) };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        foreach (var (key, value) in attributes ?? [])
        {
            node.Attribute.Add(AttributeValues.Create(key, value));
        }
        g.Graph.Node.Add(node);
    }

    private static Dictionary<string, object> Attributes(params (string Key, object Value)[] values) =>
        values.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal);

    private static string Prefix(NodeProto conv) => (conv.Name.Length > 0 ? conv.Name : conv.Output[0]) + "/as2d";
}
