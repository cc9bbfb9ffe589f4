using OnnxVideo.Onnx.Shapes;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Autodiff;

/// <summary>
/// Reverse-mode differentiation of an ONNX graph: appends standard-ONNX backward nodes computing d loss / d value
/// for the requested values, using the rules in <see cref="GradientRegistry"/>.
/// </summary>
internal static class AutoDiff
{
    /// <summary>
    /// Appends the backward pass of <paramref name="loss"/> (a scalar; its seed gradient is 1) with respect to
    /// <paramref name="wrt"/> (initializers, graph inputs or intermediate values). Only nodes on a path from a
    /// requested value to the loss are differentiated; gradients reaching a value along several paths are summed.
    /// A requested value the loss does not depend on gets zeros. Throws <see cref="UnsupportedGradientException"/>
    /// when a node on such a path has no rule. <paramref name="options"/> picks between equivalent formulations.
    /// </summary>
    public static GradientResult AppendGradients(GraphBuilder graph, string loss, IReadOnlyCollection<string> wrt, GradientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var g = graph.Graph;
        var shapes = ShapeInference.Run(g);
        var known = new HashSet<string>(g.Input.Select(i => i.Name).Concat(g.Initializer.Select(t => t.Name)).Concat(g.Node.SelectMany(n => n.Output)), StringComparer.Ordinal);
        foreach (var name in wrt.Append(loss))
        {
            if (!known.Contains(name)) throw new ArgumentException($"'{name}' is not a value of graph '{g.Name}'", nameof(wrt));
        }
        var forward = g.Node.ToArray();
        var active = ActiveValues(forward, wrt, shapes);
        var onPath = NodesOnPath(forward, active, loss);
        var context = new GradientContext(graph, shapes, options);
        var contributions = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (active.Contains(loss)) contributions[loss] = [Seed(context, loss)];

        for (int k = forward.Length - 1; k >= 0; k--)
        {
            if (!onPath[k]) continue;
            var node = forward[k];
            var outputGrads = node.Output.Select(o => o.Length > 0 ? Total(context, contributions, o) : null).ToArray();
            if (outputGrads.All(o => o is null)) continue;
            var rule = GradientRegistry.Find(node);
            if (rule is null && node.Domain is not ("" or "ai.onnx"))
                throw new UnsupportedGradientException(node.OpType, node.Name, $"ops of domain '{node.Domain}' have no gradient rules");
            if (rule is null) throw new UnsupportedGradientException(node.OpType, node.Name, "no gradient rule is registered for this op");
            var needs = node.Input.Select(i => i.Length > 0 && active.Contains(i)).ToArray();
            context.Begin(node, needs);
            var inputGrads = rule.Backward!(context, node, outputGrads);
            for (int i = 0; i < node.Input.Count; i++)
            {
                if (!needs[i]) continue;
                var grad = i < inputGrads.Length ? inputGrads[i] : null;
                if (grad is null) throw new UnsupportedGradientException(node.OpType, node.Name, $"input {i} ('{node.Input[i]}') is not differentiable but lies on the path to a trainable value");
                if (!contributions.TryGetValue(node.Input[i], out var list)) contributions[node.Input[i]] = list = [];
                list.Add(grad);
            }
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in wrt)
        {
            context.Begin(new NodeProto { Name = name, OpType = "Gradient" }, []);
            result[name] = Total(context, contributions, name) ?? context.ZerosLike(name);
        }
        return new GradientResult(result);
    }

    /// <summary>Values that depend differentiably on a requested value (floating-point values only).</summary>
    private static HashSet<string> ActiveValues(NodeProto[] nodes, IEnumerable<string> wrt, ShapeInference shapes)
    {
        var active = new HashSet<string>(wrt, StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            if (!node.Input.Any(active.Contains)) continue;
            if (GradientRegistry.Find(node) is { IsDifferentiable: false }) continue;
            foreach (var output in node.Output)
            {
                if (output.Length > 0 && IsFloatOrUnknown(shapes.ElemTypeOf(output))) active.Add(output);
            }
        }
        return active;
    }

    private static bool IsFloatOrUnknown(TensorProto.Types.DataType elemType) => elemType is TensorProto.Types.DataType.Undefined
        or TensorProto.Types.DataType.Float or TensorProto.Types.DataType.Double or TensorProto.Types.DataType.Float16 or TensorProto.Types.DataType.Bfloat16;

    /// <summary>Nodes with an active input and an output the loss depends on; everything else is pruned.</summary>
    private static bool[] NodesOnPath(NodeProto[] nodes, HashSet<string> active, string loss)
    {
        var needed = new HashSet<string>(StringComparer.Ordinal) { loss };
        var onPath = new bool[nodes.Length];
        for (int k = nodes.Length - 1; k >= 0; k--)
        {
            var node = nodes[k];
            if (!node.Output.Any(needed.Contains) || !node.Output.Any(active.Contains)) continue;
            onPath[k] = true;
            foreach (var input in node.Input)
            {
                if (active.Contains(input)) needed.Add(input);
            }
        }
        return onPath;
    }

    private static string Seed(GradientContext context, string loss)
    {
        var shape = context.ShapeOf(loss);
        if (shape is { Rank: 0 }) return context.Scalar(1, loss);
        return context.Op("ConstantOfShape", [context.RuntimeShape(loss)],
            new Dictionary<string, object> { ["value"] = ConstantTensors.Scalar("value", 1, context.ElemType(loss), rankZero: false) });
    }

    /// <summary>The summed gradient of a value (one Sum node when it fans out), or null when none reached it.</summary>
    private static string? Total(GradientContext context, Dictionary<string, List<string>> contributions, string value)
    {
        if (!contributions.TryGetValue(value, out var list) || list.Count == 0) return null;
        if (list.Count == 1) return list[0];
        var sum = context.Op("Sum", list.ToArray());
        contributions[value] = [sum];
        return sum;
    }
}
