using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Graphs;
using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Models.Import;

/// <summary>
/// Finds the classification head of a graph: from the logits output backwards through shape-only nodes (Identity,
/// Flatten, Reshape, Squeeze) to a Gemm, or a MatMul with an optional bias Add, whose weights are constants, or to a
/// global mean (ReduceMean over the spatial axes, GlobalAveragePool) of a 1×1(×1) Conv with constant weights.
/// </summary>
internal static class ClassifierHeadFinder
{
    private static readonly HashSet<string> ShapeOnlyOps = new(StringComparer.Ordinal) { "Identity", "Flatten", "Reshape", "Squeeze" };

    /// <summary>The head feeding <paramref name="logitsOutput"/> (default: the first graph output).</summary>
    /// <exception cref="HeadNotFoundException">No head; the message lists the op types the graph ends with.</exception>
    public static ClassifierHead Find(GraphProto graph, string source, string? logitsOutput = null) =>
        Find(new GraphView(graph), source, logitsOutput);

    internal static ClassifierHead Find(GraphView index, string source, string? logitsOutput)
    {
        var graph = index.Graph;
        if (graph.Output.Count == 0)
        {
            throw new HeadNotFoundException(source, "the graph has no outputs", []);
        }
        var output = logitsOutput ?? graph.Output[0].Name;
        if (!index.IsGraphOutput(output))
        {
            throw new HeadNotFoundException(source,
                $"'{output}' is not a graph output (outputs: {string.Join(", ", graph.Output.Select(o => o.Name))})", Ending(index, graph.Output[0].Name));
        }

        var shapeOnly = new List<NodeProto>();
        var value = output;
        while (true)
        {
            var node = index.Producer(value);
            if (node is null)
            {
                throw new HeadNotFoundException(source, $"output '{output}' is not computed by any node", []);
            }
            if (ShapeOnlyOps.Contains(node.OpType) && node.Domain is "" or "ai.onnx")
            {
                shapeOnly.Add(node);
                value = node.Input[0];
                continue;
            }
            var head = Match(index, node, source, output);
            if (head is null)
            {
                throw new HeadNotFoundException(source,
                    $"output '{output}' comes from {node.OpType} node '{node.Name}', not from a Gemm, MatMul(+Add) or 1×1 Conv + mean with constant weights",
                    Ending(index, output));
            }
            var nodes = head.Nodes.Concat(Enumerable.Reverse(shapeOnly)).ToList();
            RequireNoOtherUse(index, nodes, output, source);
            return head with { Nodes = nodes };
        }
    }

    private static ClassifierHead? Match(GraphView index, NodeProto node, string source, string output)
    {
        if (node.Domain is not ("" or "ai.onnx"))
        {
            return null;
        }
        switch (node.OpType)
        {
            case "Gemm":
            {
                if (AttributeValues.Int(node, "transA", 0) != 0 || node.Input.Count < 2 || index.Constant(node.Input[1]) is not { Dims.Count: 2 } w)
                {
                    return null;
                }
                var transB = AttributeValues.Int(node, "transB", 0) != 0;
                var (features, classes) = transB ? (w.Dims[1], w.Dims[0]) : (w.Dims[0], w.Dims[1]);
                var bias = node.Input.Count > 2 && node.Input[2].Length > 0 ? node.Input[2] : null;
                if (bias is not null && index.Constant(bias) is null)
                {
                    return null;
                }
                return new ClassifierHead(ClassifierHeadKind.Gemm, node.Input[0], node.Input[1], bias,
                    (int)features, (int)classes, output, [node]);
            }
            case "MatMul":
                return MatchMatMul(index, node, null, output);
            case "Add":
            {
                for (var side = 0; side < 2; side++)
                {
                    var bias = node.Input[side];
                    var other = index.Producer(node.Input[1 - side]);
                    if (index.Constant(bias) is not null && other is { OpType: "MatMul" }
                        && MatchMatMul(index, other, node, output) is { } head)
                    {
                        return head;
                    }
                }
                return null;
            }
            case "ReduceMean" or "GlobalAveragePool":
                return MatchConvMean(index, node, output);
            default:
                return null;
        }
    }

    /// <summary>
    /// mean(Conv(x, W, b)) over every spatial axis, W [C, F, 1, …, 1], one group, stride 1, no padding: the mean of a
    /// pointwise linear map is the map of the mean, so this is a linear head on the pooled features.
    /// </summary>
    private static ClassifierHead? MatchConvMean(GraphView index, NodeProto mean, string output)
    {
        if (index.Producer(mean.Input[0]) is not { OpType: "Conv", Domain: "" or "ai.onnx" } conv || conv.Input.Count < 2
            || index.Constant(conv.Input[1]) is not { Dims.Count: >= 3 } w || w.Dims.Skip(2).Any(d => d != 1))
        {
            return null;
        }
        var spatial = w.Dims.Count - 2;
        var ones = Enumerable.Repeat(1L, spatial);
        if (AttributeValues.Int(conv, "group", 1) != 1
            || !(AttributeValues.Ints(conv, "strides") ?? [.. ones]).All(s => s == 1)
            || (AttributeValues.Ints(conv, "pads") ?? []).Any(p => p != 0))
        {
            return null;
        }
        if (mean.OpType == "ReduceMean" && !AveragesAxes(index, mean, spatial))
        {
            return null;
        }
        var bias = conv.Input.Count > 2 && conv.Input[2].Length > 0 ? conv.Input[2] : null;
        if (bias is not null && index.Constant(bias) is null)
        {
            return null;
        }
        return new ClassifierHead(ClassifierHeadKind.ConvMean, conv.Input[0], conv.Input[1], bias,
            (int)w.Dims[1], (int)w.Dims[0], output, [conv, mean]) { SpatialRank = spatial };
    }

    /// <summary>True when a ReduceMean averages exactly the axes 2 … spatial+1 of a [N, C, spatial…] input.</summary>
    private static bool AveragesAxes(GraphView index, NodeProto mean, int spatial)
    {
        var axes = AttributeValues.Ints(mean, "axes")
            ?? (NodeValues.Input(mean, 1) is { } a && index.Constant(a) is { } t ? TensorProtos.ToInt64s(t) : null);
        if (axes is null)
        {
            return false;
        }
        var rank = spatial + 2;
        var normalised = axes.Select(x => x < 0 ? x + rank : x).Order().ToArray();
        return normalised.SequenceEqual(Enumerable.Range(2, spatial).Select(i => (long)i));
    }

    private static ClassifierHead? MatchMatMul(GraphView index, NodeProto matMul, NodeProto? add, string output)
    {
        if (index.Constant(matMul.Input[1]) is not { Dims.Count: 2 } w)
        {
            return null;
        }
        string? bias = null;
        if (add is not null)
        {
            bias = add.Input[0] == matMul.Output[0] ? add.Input[1] : add.Input[0];
            var b = index.Constant(bias)!;
            if (TensorProtos.ElementCount(b) != w.Dims[1])
            {
                return null;
            }
        }
        return new ClassifierHead(add is null ? ClassifierHeadKind.MatMul : ClassifierHeadKind.MatMulAdd,
            matMul.Input[0], matMul.Input[1], bias, (int)w.Dims[0], (int)w.Dims[1], output,
            add is null ? [matMul] : [matMul, add]);
    }

    /// <summary>Values inside the head must not feed other nodes, or replacing the head would change them too.</summary>
    private static void RequireNoOtherUse(GraphView index, IReadOnlyList<NodeProto> nodes, string output, string source)
    {
        var inside = nodes.ToHashSet(ReferenceEqualityComparer.Instance);
        foreach (var value in nodes.SelectMany(n => n.Output).Where(v => v != output))
        {
            var outsider = index.Consumers(value).Select(u => u.Node).FirstOrDefault(c => !inside.Contains(c));
            if (outsider is not null || index.IsGraphOutput(value))
            {
                throw new HeadNotFoundException(source,
                    $"the head's intermediate value '{value}' is also used by {(outsider is null ? "a graph output" : $"{outsider.OpType} node '{outsider.Name}'")}",
                    Ending(index, output));
            }
        }
    }

    /// <summary>Op types of up to five nodes on the first-input path into <paramref name="value"/>, last one last.</summary>
    internal static IReadOnlyList<string> Ending(GraphView index, string value)
    {
        var ops = new List<string>();
        for (var node = index.Producer(value); node is not null && ops.Count < 5; node = node.Input.Count > 0 ? index.Producer(node.Input[0]) : null)
        {
            ops.Add(node.OpType);
        }
        ops.Reverse();
        return ops;
    }
}
