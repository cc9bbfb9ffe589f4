using OnnxVideo.Onnx.Graphs;
using OnnxVideo.Onnx.Proto;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Onnx.Shapes.Rules;

/// <summary>Shape rules of the ops that move, select or repeat data without computing on it.</summary>
internal static class DataMovementShapes
{
    public static InferredValue?[] Flatten(ShapeInference s, NodeProto node)
    {
        var x = s.In(node, 0);
        TensorShape? shape = null;
        if (x?.Shape is { } xs)
        {
            int axis = (int)AttributeValues.Int(node, "axis", 1);
            if (axis < 0) axis += xs.Rank;
            shape = new TensorShape([ShapeInference.Product(xs.Dims.Take(axis)), ShapeInference.Product(xs.Dims.Skip(axis))]);
        }
        return [new(x?.ElemType ?? DataType.Undefined, shape)];
    }

    public static InferredValue?[] Reshape(ShapeInference s, NodeProto node)
    {
        var x = s.In(node, 0);
        var targetValue = s.In(node, 1);
        TensorShape? shape;
        if (targetValue?.IntElements is { } target)
        {
            bool allowZero = AttributeValues.Int(node, "allowzero", 0) != 0;
            var dims = new ShapeDim[target.Count];
            int inferAt = -1;
            for (int i = 0; i < target.Count; i++)
            {
                if (target[i].Value == 0 && !allowZero) dims[i] = x?.Shape is { } xs && i < xs.Rank ? xs[i] : ShapeDim.Unknown;
                else if (target[i].Value == -1) inferAt = i;
                else dims[i] = target[i];
            }
            if (inferAt >= 0) dims[inferAt] = x?.Shape is null ? ShapeDim.Unknown : Quotient(x.Shape.Dims, dims.Where((_, i) => i != inferAt));
            shape = new TensorShape(dims);
        }
        else shape = ShapeInference.ShapeFromShapeInput(targetValue);
        return [new(x?.ElemType ?? DataType.Undefined, shape, x?.IntElements)];
    }

    public static InferredValue?[] Transpose(ShapeInference s, NodeProto node)
    {
        var x = s.In(node, 0);
        TensorShape? shape = null;
        if (x?.Shape is { } xs)
        {
            var perm = AttributeValues.Ints(node, "perm") ?? Enumerable.Range(0, xs.Rank).Reverse().Select(i => (long)i).ToArray();
            shape = new TensorShape(perm.Select(p => xs[(int)p]).ToArray());
        }
        return [new(x?.ElemType ?? DataType.Undefined, shape)];
    }

    public static InferredValue?[] Squeeze(ShapeInference s, NodeProto node)
    {
        var x = s.In(node, 0);
        TensorShape? shape = null;
        if (x?.Shape is { } xs)
        {
            bool hasAxes = AttributeValues.Find(node, "axes") is not null || NodeValues.Input(node, 1) is not null;
            if (!hasAxes) shape = xs.Dims.All(d => d.IsKnown) ? new TensorShape(xs.Dims.Where(d => d.Value != 1).ToArray()) : null;
            else if (s.AxesOf(node, xs.Rank) is { } axes) shape = new TensorShape(xs.Dims.Where((_, i) => !axes.Contains(i)).ToArray());
        }
        return [new(x?.ElemType ?? DataType.Undefined, shape, x?.IntElements)];
    }

    public static InferredValue?[] Unsqueeze(ShapeInference s, NodeProto node)
    {
        var x = s.In(node, 0);
        TensorShape? shape = null;
        int added = AttributeValues.Ints(node, "axes")?.Length
            ?? (NodeValues.Input(node, 1) is { } a ? s.ConstantInts(a)?.Length ?? s.Get(a)?.IntElements?.Count ?? -1 : -1);
        if (x?.Shape is { } xs && added >= 0 && s.AxesOf(node, xs.Rank + added) is { } axes)
        {
            var dims = new List<ShapeDim>();
            int next = 0;
            for (int i = 0; i < xs.Rank + added; i++) dims.Add(axes.Contains(i) ? 1 : xs[next++]);
            shape = new TensorShape(dims);
        }
        return [new(x?.ElemType ?? DataType.Undefined, shape, x?.IntElements)];
    }

    public static InferredValue?[] Concat(ShapeInference s, NodeProto node)
    {
        var inputs = node.Input.Select(s.Get).ToArray();
        if (inputs.Any(v => v?.Shape is null))
        {
            // One input of known shape still gives the rank and the dims off the axis.
            var type = inputs.FirstOrDefault(v => v is not null)?.ElemType ?? DataType.Undefined;
            if (inputs.FirstOrDefault(v => v?.Shape is not null)?.Shape is not { } some) return [new(type, null)];
            int at = (int)AttributeValues.Int(node, "axis", 0);
            if (at < 0) at += some.Rank;
            return [new(type, new TensorShape(some.Dims.Select((d, i) => i == at ? ShapeDim.Unknown : d).ToArray()))];
        }
        var first = inputs[0]!;
        int axis = (int)AttributeValues.Int(node, "axis", 0);
        if (axis < 0) axis += first.Shape!.Rank;
        var dims = first.Shape!.Dims.ToArray();
        long sum = 0;
        bool known = true;
        foreach (var v in inputs) { if (v!.Shape![axis].Value is long d) sum += d; else known = false; }
        dims[axis] = known ? sum : ShapeDim.Unknown;
        IReadOnlyList<ShapeDim>? ints = inputs.All(v => v!.IntElements is not null) ? inputs.SelectMany(v => v!.IntElements!).ToArray() : null;
        return [new(first.ElemType, new TensorShape(dims), ints)];
    }

    /// <summary>Known sizes where the Slice parameters are constant; otherwise the rank with unknown sliced axes.</summary>
    public static InferredValue?[] Slice(ShapeInference s, NodeProto node)
    {
        var x = s.In(node, 0);
        if (x?.Shape is null) return [new(x?.ElemType ?? DataType.Undefined, null)];
        if (s.SliceParameters(node, x.Shape) is not { } p) return [new(x.ElemType, SlicedAxesUnknown(s, node, x.Shape))];
        var dims = x.Shape.Dims.ToArray();
        for (int i = 0; i < p.Axes.Length; i++)
        {
            long step = p.Steps[i], span = p.Ends[i] - p.Starts[i];
            dims[p.Axes[i]] = step > 0 ? Math.Max(0, (span + step - 1) / step) : Math.Max(0, (-span - step - 1) / -step);
        }
        IReadOnlyList<ShapeDim>? ints = null;
        if (x.IntElements is { } e && x.Shape.Rank == 1 && p.Steps[0] == 1)
            ints = e.Skip((int)p.Starts[0]).Take((int)Math.Max(0, p.Ends[0] - p.Starts[0])).ToArray();
        return [new(x.ElemType, new TensorShape(dims), ints)];
    }

    private static TensorShape SlicedAxesUnknown(ShapeInference s, NodeProto node, TensorShape x)
    {
        var axes = AttributeValues.Ints(node, "axes") ?? (NodeValues.Input(node, 3) is { } a ? s.KnownInts(a) : null);
        if (axes is null && NodeValues.Input(node, 3) is null && s.In(node, 1)?.Shape is { Rank: 1 } starts && starts[0].Value is long n)
            axes = Enumerable.Range(0, (int)n).Select(i => (long)i).ToArray();
        var sliced = axes?.Select(a => a < 0 ? a + x.Rank : a).ToHashSet();
        return new TensorShape(x.Dims.Select((d, i) => sliced is not null && !sliced.Contains(i) ? d : ShapeDim.Unknown).ToArray());
    }

    public static InferredValue?[] Split(ShapeInference s, NodeProto node)
    {
        var xv = s.In(node, 0);
        var type = xv?.ElemType ?? DataType.Undefined;
        if (xv?.Shape is not { } x) return node.Output.Select(_ => (InferredValue?)new InferredValue(type, null)).ToArray();
        int axis = (int)AttributeValues.Int(node, "axis", 0);
        if (axis < 0) axis += x.Rank;
        var sizes = s.SplitSizes(node, x)?.Select(size => (ShapeDim)size).ToArray()
            ?? node.Output.Select(_ => ShapeDim.Unknown).ToArray();
        return sizes.Select(size =>
        {
            var dims = x.Dims.ToArray();
            dims[axis] = size;
            return (InferredValue?)new InferredValue(type, new TensorShape(dims));
        }).ToArray();
    }

    public static InferredValue?[] Gather(ShapeInference s, NodeProto node)
    {
        var (data, indices) = (s.In(node, 0), s.In(node, 1));
        if (data?.Shape is null || indices?.Shape is null) return [new(data?.ElemType ?? DataType.Undefined, null)];
        int axis = (int)AttributeValues.Int(node, "axis", 0);
        if (axis < 0) axis += data.Shape.Rank;
        var dims = data.Shape.Dims.Take(axis).Concat(indices.Shape.Dims).Concat(data.Shape.Dims.Skip(axis + 1)).ToArray();
        IReadOnlyList<ShapeDim>? ints = null;
        var idx = s.KnownInts(node.Input[1]);
        if (data.IntElements is { } e && data.Shape.Rank == 1 && idx is not null)
            ints = idx.Select(i => e[(int)(i < 0 ? i + e.Count : i)]).ToArray();
        return [new(data.ElemType, new TensorShape(dims), ints)];
    }

    /// <summary>Broadcast of the input against the target; the target's length alone gives the rank when its
    /// elements are known only at run time (<c>x.expand(n.size(0), -1)</c> as torch exports it).</summary>
    public static InferredValue?[] Expand(ShapeInference s, NodeProto node)
    {
        var x = s.In(node, 0);
        var target = ShapeInference.ShapeFromShapeInput(s.In(node, 1));
        return [new(x?.ElemType ?? DataType.Undefined, x?.Shape is null || target is null ? null : ShapeInference.Broadcast(x.Shape, target))];
    }

    public static InferredValue?[] Pad(ShapeInference s, NodeProto node)
    {
        var x = s.In(node, 0);
        TensorShape? shape = null;
        var pads = AttributeValues.Ints(node, "pads") ?? s.KnownInts(NodeValues.Input(node, 1));
        if (x?.Shape is { } xs && pads is not null && pads.Length == 2 * xs.Rank && NodeValues.Input(node, 3) is null)
            shape = new TensorShape(xs.Dims.Select((d, i) => d.Value is long v ? (ShapeDim)(v + pads[i] + pads[xs.Rank + i])
                : pads[i] + pads[xs.Rank + i] == 0 ? d : ShapeDim.Unknown).ToArray());
        return [new(x?.ElemType ?? DataType.Undefined, shape)];
    }

    /// <summary>SpaceToDepth with block b: [N, C, H, W] → [N, C·b², H/b, W/b].</summary>
    public static InferredValue?[] SpaceToDepth(ShapeInference s, NodeProto node)
    {
        var x = s.In(node, 0);
        var b = AttributeValues.Int(node, "blocksize", 1);
        TensorShape? shape = x?.Shape is { Rank: 4 } xs
            ? new TensorShape([xs[0], xs[1].Value is long c ? c * b * b : ShapeDim.Unknown,
                xs[2].Value is long h ? h / b : ShapeDim.Unknown, xs[3].Value is long w ? w / b : ShapeDim.Unknown])
            : null;
        return [new(x?.ElemType ?? DataType.Undefined, shape)];
    }

    /// <summary>Tile keeps the rank; dims are known where the repeats are.</summary>
    public static InferredValue?[] Tile(ShapeInference s, NodeProto node)
    {
        var x = s.In(node, 0);
        TensorShape? shape = null;
        if (x?.Shape is { } xs)
        {
            var repeats = s.KnownInts(NodeValues.Input(node, 1));
            shape = new TensorShape(xs.Dims.Select((d, i) => repeats is null || repeats.Length != xs.Rank ? ShapeDim.Unknown
                : d.Value is long v ? (ShapeDim)(v * repeats[i]) : repeats[i] == 1 ? d : ShapeDim.Unknown).ToArray());
        }
        return [new(x?.ElemType ?? DataType.Undefined, shape)];
    }

    /// <summary>prod(numerator) / prod(denominator) with symbols cancelled where they appear on both sides.</summary>
    private static ShapeDim Quotient(IEnumerable<ShapeDim> numerator, IEnumerable<ShapeDim> denominator)
    {
        long num = 1, den = 1;
        var symbols = new List<string>();
        foreach (var d in numerator)
        {
            if (d.Value is long v) num *= v;
            else if (d.Symbol is not null)
            {
                var (name, factor) = d.SymbolFactor();
                symbols.Add(name);
                num *= factor;
            }
            else return ShapeDim.Unknown;
        }
        foreach (var d in denominator)
        {
            if (d.Value is long v) den *= v;
            else if (d.Symbol is not null && d.SymbolFactor() is var (name, factor) && symbols.Remove(name)) den *= factor;
            else return ShapeDim.Unknown;
        }
        if (den == 0 || num % den != 0) return ShapeDim.Unknown;
        return symbols.Count == 0 ? num / den : symbols.Count == 1 ? ShapeDim.Scaled(symbols[0], num / den) : ShapeDim.Unknown;
    }
}
