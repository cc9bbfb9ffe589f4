using OnnxVideo.Onnx.Proto;
using OnnxVideo.Onnx.Shapes;

namespace OnnxVideo.Onnx.Graphs;

/// <summary>
/// Moves the 2-D convolutions whose weights are not constants (trained weights, the reversed and transposed copies of
/// the input gradient, weights with a frozen BatchNorm folded in) onto ONNX Runtime's NCHWc kernels (issue 17, lever
/// 22). ORT's own NCHWc transformer takes only convs with constant weights, whose filter it reorders once; the others
/// run im2col and a GEMM, about 1.5× the time of the blocked kernel. Here the filter is reordered by nodes each run:
/// reshapes and transposes into ORT's OIHWBiBo layout (OIHWBo where the input has fewer channels than a block and
/// is read as it is), the input reordered into blocks (<c>ReorderInput</c>), and the output back (<c>ReorderOutput</c>).
/// Only for ORT's CPU provider, whose block size (16 with AVX-512, 8 with AVX2) the caller passes: the nodes are in
/// ORT's internal <see cref="Domain"/>, so the rewritten graph is for the session, never for a package.
/// </summary>
internal static class NchwcConvRewrite
{
    public const string Domain = "com.microsoft.nchwc";

    /// <summary>
    /// Larger kernels are weight gradients (the output gradient as the kernel). Over blocked inputs they are left as
    /// they are (a 56×56 kernel over 16 channels took 1.7× the im2col Conv); over fewer channels than a block, read
    /// unblocked, they are taken, their width may be symbolic (lever 28's samples side by side), and they ran in
    /// 0.36–0.60× the time of the 3-D Conv form they replace.
    /// </summary>
    private const long MaxKernel = 7;

    /// <summary>Rewrites every eligible Conv of <paramref name="model"/> in place (convs only summed then accumulate
    /// into one buffer: <see cref="NchwcSummedConvs"/>); returns how many convs.</summary>
    public static int Rewrite(ModelProto model, int blockSize)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 4);
        var graph = model.Graph;
        // Weights computed from constants alone (frozen weights reshaped, reversed or stacked by nodes) are folded by
        // ORT, whose own transformer then reorders them once; reordering them here would keep a folded copy per chain.
        var runTime = new GraphView(graph).RunTimeValues();
        var shapes = ShapeInference.Run(graph);
        var builder = GraphBuilder.Wrap(graph);
        var rewritten = 0;
        foreach (var node in graph.Node.Where(n => n.OpType == "Conv" && n.Domain.Length == 0 && n.Input.Count >= 2).ToList())
        {
            if (!runTime.Contains(node.Input[1]) || EligibleFilter(node, shapes, blockSize) is not { } filter)
            {
                continue;
            }
            var first = graph.Node.Count;
            Emit(builder, node, filter, blockSize);
            var at = graph.Node.IndexOf(node);
            var emitted = graph.Node.Count - first;
            GraphRewrites.MoveAppendedNodes(graph, first, at);
            graph.Node.RemoveAt(at + emitted);
            rewritten++;
        }
        if (rewritten == 0)
        {
            return 0;
        }
        if (!model.OpsetImport.Any(o => o.Domain == Domain))
        {
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = Domain, Version = 1 });
        }
        NchwcSummedConvs.Chain(graph, shapes);
        return rewritten;
    }

    /// <summary>
    /// The filter shape [O, I, KH, KW] of a one-group float 2-D conv that ORT's NCHWc Conv takes (output channels whole
    /// blocks; input channels whole blocks or fewer than one; see <see cref="MaxKernel"/>), -1 for a symbolic kernel
    /// width, else null.
    /// </summary>
    private static long[]? EligibleFilter(NodeProto conv, ShapeInference shapes, int blockSize)
    {
        if (shapes.ShapeOf(conv.Input[0]) is not { Rank: 4 } x || !x[1].IsKnown
            || shapes.ShapeOf(conv.Input[1]) is not { Rank: 4 } w || !w[0].IsKnown || !w[1].IsKnown || !w[2].IsKnown
            || shapes.ElemTypeOf(conv.Input[0]) != TensorProto.Types.DataType.Float
            || AttributeValues.Int(conv, "group", 1) != 1
            || AttributeValues.String(conv, "auto_pad", "NOTSET") != "NOTSET")
        {
            return null;
        }
        long[] filter = [w[0].Value.GetValueOrDefault(), w[1].Value.GetValueOrDefault(), w[2].Value.GetValueOrDefault(),
            w[3].Value ?? -1];
        var (outputs, inputs) = (filter[0], filter[1]);
        var kernelFits = inputs < blockSize || (filter[3] > 0 && filter[2] <= MaxKernel && filter[3] <= MaxKernel);
        var fits = outputs % blockSize == 0 && (inputs < blockSize || inputs % blockSize == 0) && x[1].Value == inputs && kernelFits;
        return fits ? filter : null;
    }

    private static void Emit(GraphBuilder g, NodeProto conv, long[] filter, int blockSize)
    {
        var prefix = (conv.Name.Length > 0 ? conv.Name : conv.Output[0]) + "/nchwc";
        var blockedInput = filter[1] >= blockSize;
        var kernel = FilterBlocks(g, conv.Input[1], filter, blockSize, blockedInput, prefix);
        var input = blockedInput
            ? g.Node("ReorderInput", [conv.Input[0]], name: $"{prefix}/input", domain: Domain)
            : conv.Input[0];
        var blockedOutput = g.Node("Conv", [input, kernel, .. Conv3dTo2dLowering.Bias(conv)], ConvAttributes(conv), $"{prefix}/conv", Domain);
        Conv3dTo2dLowering.Final(g, "ReorderOutput", [blockedOutput], Conv3dTo2dLowering.Attributes(("channels", (object)filter[0])),
            conv.Output[0], $"{prefix}/output", Domain);
    }

    /// <summary>
    /// The filter in ORT's blocked layout by two single-axis moves, which ORT's Transpose copies in runs (one 6-D
    /// transpose [O/B, I/B, KH, KW, Bi, Bo] took 25 ms on a [512, 512, 3, 3] filter, the two moves 6.6): output
    /// channels within a block last ([O/B, I·KH·KW, Bo], which is OIHWBo), then input channels within a block after
    /// the kernel taps ([O/B·I/B, KH·KW, Bi, Bo], OIHWBiBo).
    /// </summary>
    private static string FilterBlocks(GraphBuilder g, string weight, long[] filter, long blockSize, bool blockedInput, string prefix)
    {
        var (o, i, taps) = (filter[0], filter[1], filter[2] * filter[3]);
        var rows = g.Node("Reshape", [weight, g.Constant([o / blockSize, blockSize, filter[3] < 0 ? -1 : i * taps])], name: $"{prefix}/filter_rows");
        var outputsLast = g.Node("Transpose", [rows], Conv3dTo2dLowering.Attributes(("perm", new long[] { 0, 2, 1 })), $"{prefix}/filter_outputs_last");
        if (blockedInput)
        {
            var inputBlocks = g.Node("Reshape", [outputsLast, g.Constant([o / blockSize * (i / blockSize), blockSize, taps, blockSize])],
                name: $"{prefix}/filter_input_blocks");
            outputsLast = g.Node("Transpose", [inputBlocks], Conv3dTo2dLowering.Attributes(("perm", new long[] { 0, 2, 1, 3 })),
                $"{prefix}/filter_inputs_inner");
        }
        return g.Node("Reshape", [outputsLast, g.Constant(filter)], name: $"{prefix}/filter");
    }

    private static Dictionary<string, object> ConvAttributes(NodeProto conv) =>
        conv.Attribute.Where(a => a.Name is "kernel_shape" or "strides" or "pads" or "dilations")
            .ToDictionary(a => a.Name, a => (object)a.Ints.ToArray(), StringComparer.Ordinal);
}
