using OnnxVideo.Onnx.Shapes;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Graphs;
using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Autodiff.Rules;

/// <summary>Gradients of data-movement ops: reshapes, transposes, concatenation, slicing, splitting, gathering, expanding.</summary>
internal static class ShapeRules
{
    /// <summary>Flatten, Reshape, Squeeze, Unsqueeze: reshape the gradient back to the input's shape.</summary>
    public static string?[] ReshapeBack(GradientContext c, NodeProto n, IReadOnlyList<string?> dy) =>
        [c.ReshapeLike(dy[0]!, n.Input[0]), null];

    public static string?[] Transpose(GradientContext c, NodeProto n, IReadOnlyList<string?> dy)
    {
        var perm = AttributeValues.Ints(n, "perm") ?? Enumerable.Range(0, c.Rank(n.Input[0])).Reverse().Select(i => (long)i).ToArray();
        var inverse = new long[perm.Length];
        for (int i = 0; i < perm.Length; i++) inverse[perm[i]] = i;
        return [c.Transpose(dy[0]!, inverse)];
    }

    public static string?[] Expand(GradientContext c, NodeProto n, IReadOnlyList<string?> dy) =>
        [c.ReduceToShape(dy[0]!, c.OutputShape(), n.Input[0]), null];

    /// <summary>Splits the gradient along the axis into the inputs' sizes (static when known, else from Shape ops).</summary>
    public static string?[] Concat(GradientContext c, NodeProto n, IReadOnlyList<string?> dy)
    {
        int rank = c.Rank(n.Input[0]);
        long axis = AttributeValues.Int(n, "axis", 0);
        if (axis < 0) axis += rank;
        var sizes = n.Input.Select(i => c.ShapeOf(i)?[(int)axis].Value).ToArray();
        string splitSizes = sizes.All(s => s.HasValue)
            ? c.Ints(sizes.Select(s => s!.Value).ToArray())
            : c.Op("Concat", n.Input.Select(i => c.Op("Gather", c.RuntimeShape(i), c.Ints(axis))).ToArray(),
                new Dictionary<string, object> { ["axis"] = 0L });
        var parts = c.OpMulti("Split", [dy[0]!, splitSizes], n.Input.Count, new Dictionary<string, object> { ["axis"] = axis });
        return parts.Select((p, i) => c.NeedsGradient(i) ? p : null).ToArray();
    }

    /// <summary>Concatenates the outputs' gradients (zeros for outputs no gradient reached).</summary>
    public static string?[] Split(GradientContext c, NodeProto n, IReadOnlyList<string?> dy)
    {
        long axis = AttributeValues.Int(n, "axis", 0);
        var parts = n.Output.Select((o, i) => dy[i] ?? c.ZerosLike(o)).ToArray();
        return [c.Op("Concat", parts, new Dictionary<string, object> { ["axis"] = axis }), null];
    }

    /// <summary>
    /// Step-1 slices with constant bounds: Pad the gradient back with zeros. Otherwise: slice a tensor of flat
    /// element indices the same way and scatter-add the gradient to those positions.
    /// </summary>
    public static string?[] Slice(GradientContext c, NodeProto n, IReadOnlyList<string?> dy)
    {
        var (x, g) = (n.Input[0], dy[0]!);
        var xShape = c.ShapeOf(x);
        if (xShape is not null && c.Shapes.SliceParameters(n, xShape) is { } p && p.Steps.All(s => s == 1))
        {
            var pads = new long[2 * xShape.Rank];
            for (int i = 0; i < p.Axes.Length; i++)
            {
                long axis = p.Axes[i], dim = xShape[(int)axis].Value!.Value;
                pads[axis] = p.Starts[i];
                pads[xShape.Rank + axis] = dim - Math.Max(p.Ends[i], p.Starts[i]);
            }
            return [c.Op("Pad", g, c.Ints(pads)), null, null, null, null];
        }
        var size = c.Op("Size", x);
        var positions = c.Reshape(c.Op("Range", c.ScalarInt(0), size, c.ScalarInt(1)), c.RuntimeShape(x));
        var sliceInputs = n.Input.ToArray();
        sliceInputs[0] = positions;
        var picked = c.Reshape(c.Op("Slice", sliceInputs), c.Ints(-1));
        var zeros = c.Op("ConstantOfShape", [c.Reshape(size, c.Ints(1))],
            new Dictionary<string, object> { ["value"] = ConstantTensors.Scalar("value", 0, c.ElemType(x), rankZero: false) });
        var scattered = c.Op("ScatterElements", [zeros, picked, c.Reshape(g, c.Ints(-1))],
            new Dictionary<string, object> { ["axis"] = 0L, ["reduction"] = "add" });
        return [c.ReshapeLike(scattered, x), null, null, null, null];
    }

    /// <summary>
    /// Scatter-add of the gradient into zeros of the data's shape: the gathered axis is moved to the front and a
    /// ScatterND with reduction "add" sums the rows of repeated indices.
    /// </summary>
    public static string?[] Gather(GradientContext c, NodeProto n, IReadOnlyList<string?> dy)
    {
        var (x, indices, g) = (n.Input[0], n.Input[1], dy[0]!);
        int rank = c.Rank(x), indexRank = c.Rank(indices);
        long axis = AttributeValues.Int(n, "axis", 0);
        if (axis < 0) axis += rank;
        var index = indices;
        if (c.Shapes.ElemTypeOf(indices) != TensorProto.Types.DataType.Int64) index = c.Cast(index, TensorProto.Types.DataType.Int64);
        if (c.Shapes.ConstantInts(indices) is not { } constant || constant.Any(v => v < 0))
        {
            var dim = c.Op("Gather", c.RuntimeShape(x), c.ScalarInt(axis));
            index = c.Op("Where", c.Op("Less", index, c.ScalarInt(0)), c.Op("Add", index, dim), index);
        }
        // Data with the gathered axis first: [D, pre…, post…]; gradient with the index axes first: [I…, pre…, post…].
        var dataPerm = new List<long> { axis };
        dataPerm.AddRange(Enumerable.Range(0, rank).Where(i => i != axis).Select(i => (long)i));
        int gradRank = rank - 1 + indexRank;
        var gradPerm = new List<long>();
        gradPerm.AddRange(Enumerable.Range((int)axis, indexRank).Select(i => (long)i));
        gradPerm.AddRange(Enumerable.Range(0, (int)axis).Select(i => (long)i));
        gradPerm.AddRange(Enumerable.Range((int)axis + indexRank, gradRank - (int)axis - indexRank).Select(i => (long)i));
        var movedGrad = axis == 0 ? g : c.Transpose(g, gradPerm);
        var movedShape = c.Op("Gather", c.RuntimeShape(x), c.Ints(dataPerm.ToArray()));
        var zeros = c.Op("ConstantOfShape", [movedShape],
            new Dictionary<string, object> { ["value"] = ConstantTensors.Scalar("value", 0, c.ElemType(x), rankZero: false) });
        var scattered = c.Op("ScatterND", [zeros, c.Unsqueeze(index, -1), movedGrad], new Dictionary<string, object> { ["reduction"] = "add" });
        if (axis == 0) return [scattered, null];
        var inverse = new long[rank];
        for (int i = 0; i < rank; i++) inverse[dataPerm[i]] = i;
        return [c.Transpose(scattered, inverse), null];
    }

    /// <summary>Constant-mode Pad with constant pads: slice the padding off the gradient (and zero-pad back any cropping).</summary>
    public static string?[] Pad(GradientContext c, NodeProto n, IReadOnlyList<string?> dy)
    {
        if (AttributeValues.String(n, "mode", "constant") != "constant") throw c.Fail("only constant-mode Pad is differentiable here");
        if (NodeValues.Input(n, 3) is not null) throw c.Fail("Pad with an axes input is not supported");
        var pads = AttributeValues.Ints(n, "pads") ?? (NodeValues.Input(n, 1) is { } p ? c.Shapes.ConstantInts(p) : null)
            ?? throw c.Fail("the pads must be constant");
        int rank = pads.Length / 2;
        var g = dy[0]!;
        var axes = Enumerable.Range(0, rank).Where(i => pads[i] > 0 || pads[rank + i] > 0).ToArray();
        if (axes.Length > 0)
        {
            g = c.Op("Slice", g, c.Ints(axes.Select(i => Math.Max(0, pads[i])).ToArray()),
                c.Ints(axes.Select(i => pads[rank + i] > 0 ? -pads[rank + i] : long.MaxValue).ToArray()), c.Ints(axes.Select(i => (long)i).ToArray()));
        }
        if (pads.Any(v => v < 0)) g = c.Op("Pad", g, c.Ints(pads.Select(v => Math.Max(0, -v)).ToArray()));
        return [g, null, null, null];
    }

    /// <summary>Tile: view the gradient as [r0, d0, r1, d1, …] and sum over the repeat axes.</summary>
    public static string?[] Tile(GradientContext c, NodeProto n, IReadOnlyList<string?> dy)
    {
        var x = n.Input[0];
        var shape = c.ShapeOf(x);
        var repeats = c.Shapes.ConstantInts(n.Input[1]);
        if (shape is null || !shape.IsFullyKnown || repeats is null) throw c.Fail("Tile needs a static input shape and constant repeats");
        var dims = shape.ToArray();
        var split = dims.SelectMany((d, i) => new[] { repeats[i], d }).ToArray();
        var summed = c.ReduceSum(c.Reshape(dy[0]!, c.Ints(split)), Enumerable.Range(0, dims.Length).Select(i => (long)(2 * i)).ToArray(), keepDims: false);
        return [summed, null];
    }
}
