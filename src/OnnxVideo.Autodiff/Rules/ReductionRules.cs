using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Graphs;
using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Autodiff.Rules;

/// <summary>Gradients of ReduceSum and ReduceMean (axes as attribute before opset 18 or as a constant input).</summary>
internal static class ReductionRules
{
    public static string?[] ReduceSum(GradientContext c, NodeProto n, IReadOnlyList<string?> dy) => [Spread(c, n, dy[0]!), null];

    /// <summary>The ReduceSum gradient scaled by 1/count (scaled before broadcasting, on the small tensor).</summary>
    public static string?[] ReduceMean(GradientContext c, NodeProto n, IReadOnlyList<string?> dy)
    {
        var x = n.Input[0];
        var xShape = c.ShapeOf(x);
        var axes = xShape is null ? null : c.Shapes.ReduceAxes(n, xShape.Rank);
        string scaled;
        if (xShape is not null && axes is not null && axes.All(a => xShape[(int)a].IsKnown))
        {
            long count = axes.Aggregate(1L, (p, a) => p * xShape[(int)a].Value!.Value);
            scaled = count == 1 ? dy[0]! : c.Op("Mul", dy[0]!, c.Scalar(1.0 / count, x));
        }
        else
        {
            var ratio = c.Op("Div", c.Cast(c.Op("Size", n.Output[0]), c.ElemType(x)), c.Cast(c.Op("Size", x), c.ElemType(x)));
            scaled = c.Op("Mul", dy[0]!, ratio);
        }
        return [Spread(c, n, scaled), null];
    }

    /// <summary>Puts the reduced axes back (when keepdims=0) and broadcasts the gradient over them.</summary>
    private static string Spread(GradientContext c, NodeProto n, string g)
    {
        var x = n.Input[0];
        if (ReducesEverything(c, n)) return c.Op("Expand", g, c.RuntimeShape(x));
        int rank = c.Rank(x);
        var axes = c.Shapes.ReduceAxes(n, rank) ?? throw c.Fail("the reduction axes must be constant");
        if (axes.Length == 0) return g;
        bool keep = AttributeValues.Int(n, "keepdims", 1) != 0;
        var kept = keep ? g : c.Unsqueeze(g, axes);
        // Dims not known at build time but not reduced are in the gradient already: 1 there broadcasts to them, and no
        // Shape node keeps x alive until the backward pass reaches this node.
        var shape = c.ShapeOf(x);
        var target = shape is not null && Enumerable.Range(0, rank).All(i => shape[i].IsKnown || !axes.Contains(i))
            ? c.Ints(shape.Dims.Select(d => d.Value ?? 1).ToArray())
            : c.ShapeTensorOf(x);
        return c.Op("Expand", kept, target);
    }

    /// <summary>No axes given (and not a no-op): every axis is reduced and the gradient is a broadcast scalar, whatever the rank.</summary>
    private static bool ReducesEverything(GradientContext c, NodeProto n) =>
        AttributeValues.Ints(n, "axes") is null && NodeValues.Input(n, 1) is null && AttributeValues.Int(n, "noop_with_empty_axes", 0) == 0;
}
