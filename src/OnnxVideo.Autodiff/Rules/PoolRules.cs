using OnnxVideo.Onnx.Shapes;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Graphs;
using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Autodiff.Rules;

/// <summary>Gradients of MaxPool, AveragePool and GlobalAveragePool.</summary>
internal static class PoolRules
{
    /// <summary>
    /// Routes each output gradient to the element that won its window, using MaxPool's Indices output (requested
    /// from a twin MaxPool when the node does not expose it) and a ScatterElements with reduction "add", so
    /// overlapping windows that pick the same element sum their gradients.
    /// </summary>
    public static string?[] MaxPool(GradientContext c, NodeProto n, IReadOnlyList<string?> dy)
    {
        var (x, g) = (n.Input[0], dy[0]!);
        if (AttributeValues.Int(n, "storage_order", 0) != 0) throw c.Fail("MaxPool with storage_order=1 is not supported");
        var indices = NodeValues.Output(n, 1);
        if (indices is null)
        {
            indices = c.OpMulti("MaxPool", [x], 2, AttributeObjects(n))[1];
        }
        var flatIndices = c.Reshape(indices, c.Ints(-1));
        var flatGrad = c.Reshape(g, c.Ints(-1));
        var zeros = c.Op("ConstantOfShape", [c.Reshape(c.Op("Size", x), c.Ints(1))],
            new Dictionary<string, object> { ["value"] = ConstantTensors.Scalar("value", 0, c.ElemType(x), rankZero: false) });
        var scattered = c.Op("ScatterElements", [zeros, flatIndices, flatGrad],
            new Dictionary<string, object> { ["axis"] = 0L, ["reduction"] = "add" });
        return [c.ReshapeLike(scattered, x)];
    }

    /// <summary>
    /// AveragePool is a per-channel Conv with a box of ones divided by the window count, so its gradient is the
    /// Conv input gradient of dy / count with a box kernel, on channels folded into the batch axis.
    /// </summary>
    public static string?[] AveragePool(GradientContext c, NodeProto n, IReadOnlyList<string?> dy)
    {
        var (x, g) = (n.Input[0], dy[0]!);
        var kernel = AttributeValues.Ints(n, "kernel_shape") ?? throw c.Fail("AveragePool without kernel_shape");
        if (AttributeValues.Ints(n, "dilations") is { } d && d.Any(v => v != 1)) throw c.Fail("AveragePool with dilations is not supported");
        var xShape = c.ShapeOf(x) ?? throw c.Fail($"the shape of '{x}' must be known at graph-build time");
        var axes = ConvGeometry.Compute(n, xShape, kernel, isPool: true)
            ?? throw c.Fail($"the spatial sizes of '{x}' must be known at graph-build time (got {xShape})");
        bool includePad = AttributeValues.Int(n, "count_include_pad", 0) != 0;
        var counts = WindowCounts(axes, includePad);
        string scaled;
        if (counts.Distinct().Count() == 1) scaled = c.Op("Mul", g, c.Scalar(1.0 / counts[0], x));
        else
        {
            var inverse = ConstantTensors.Scalar("", 0, c.ElemType(x), rankZero: true);
            inverse.Dims.AddRange(axes.Select(a => a.Out));
            if (inverse.DataType == (int)TensorProto.Types.DataType.Float) { inverse.FloatData.Clear(); inverse.FloatData.AddRange(counts.Select(v => (float)(1.0 / v))); }
            else { inverse.DoubleData.Clear(); inverse.DoubleData.AddRange(counts.Select(v => 1.0 / v)); }
            scaled = c.Op("Mul", g, Initializers.Add(c.Graph, inverse, "avgpool_inverse_counts"));
        }
        var folded = c.Reshape(scaled, c.Ints([-1, 1, .. axes.Select(a => a.Out)]));
        var box = ConstantTensors.Scalar("", 1, c.ElemType(x), rankZero: false);
        box.Dims.Clear();
        box.Dims.AddRange([1, 1, .. kernel]);
        long volume = kernel.Aggregate(1L, (p, k) => p * k);
        if (box.DataType == (int)TensorProto.Types.DataType.Float) box.FloatData.AddRange(Enumerable.Repeat(1f, (int)volume - 1));
        else box.DoubleData.AddRange(Enumerable.Repeat(1.0, (int)volume - 1));
        var dx = ConvGradients.InputGradient(c, folded, Initializers.Add(c.Graph, box, "avgpool_box"), axes, 1);
        return [c.ReshapeLike(dx, x)];
    }

    /// <summary>The divisor of every output position (row-major over the output's spatial axes), as ONNX Runtime counts it.</summary>
    private static double[] WindowCounts(ConvAxis[] axes, bool includePad)
    {
        var perAxis = axes.Select(a => Enumerable.Range(0, (int)a.Out).Select(o =>
        {
            long start = o * a.Stride - a.PadBegin;
            long end = Math.Min(start + a.Kernel, a.In + a.PadEnd);
            long size = end - start;
            if (!includePad) size = Math.Min(end, a.In) - Math.Max(start, 0);
            return (double)size;
        }).ToArray()).ToArray();
        IEnumerable<double> counts = [1.0];
        foreach (var axis in perAxis) counts = counts.SelectMany(p => axis.Select(v => p * v));
        return counts.ToArray();
    }

    /// <summary>dx = dy divided by the spatial size (on the small tensor), broadcast over the spatial axes.</summary>
    public static string?[] GlobalAveragePool(GradientContext c, NodeProto n, IReadOnlyList<string?> dy)
    {
        var x = n.Input[0];
        var xShape = c.ShapeOf(x);
        string scaled;
        if (xShape is not null && xShape.Dims.Skip(2).All(d => d.IsKnown))
        {
            long count = xShape.Dims.Skip(2).Aggregate(1L, (p, d) => p * d.Value!.Value);
            scaled = c.Op("Mul", dy[0]!, c.Scalar(1.0 / count, x));
        }
        else
        {
            var ratio = c.Op("Div", c.Cast(c.Op("Size", n.Output[0]), c.ElemType(x)), c.Cast(c.Op("Size", x), c.ElemType(x)));
            scaled = c.Op("Mul", dy[0]!, ratio);
        }
        return [c.Op("Expand", scaled, c.RuntimeShape(x))];
    }

    private static Dictionary<string, object> AttributeObjects(NodeProto n)
    {
        var result = new Dictionary<string, object>();
        foreach (var a in n.Attribute)
        {
            result[a.Name] = AttributeValues.PlainValue(a)
                ?? throw new UnsupportedGradientException(n.OpType, n.Name, $"unexpected attribute '{a.Name}'");
        }
        return result;
    }
}
