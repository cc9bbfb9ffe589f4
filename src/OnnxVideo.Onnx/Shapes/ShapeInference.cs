using OnnxVideo.Onnx.Graphs;
using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Onnx.Shapes;

/// <summary>
/// ONNX-style static type and shape inference over a graph, with symbolic dims ("N") and propagation of small
/// integer tensors (Shape → Gather → Concat → Reshape chains as torch.onnx.export writes them). Each op's rule is
/// one entry of <see cref="ShapeRegistry"/>; values it cannot infer are reported as unknown, and callers fall back to
/// runtime Shape ops.
/// </summary>
internal sealed class ShapeInference
{
    private readonly Dictionary<string, InferredValue> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TensorProto> _constants = new(StringComparer.Ordinal);

    private ShapeInference() { }

    public static ShapeInference Run(GraphProto graph)
    {
        var inference = new ShapeInference();
        foreach (var vi in graph.Input.Concat(graph.ValueInfo).Concat(graph.Output)) inference.Declare(vi);
        foreach (var t in graph.Initializer) inference.AddConstant(t.Name, t);
        foreach (var node in graph.Node) inference.Infer(node);
        return inference;
    }

    public InferredValue? Get(string name) => _values.GetValueOrDefault(name);

    /// <summary>What is known of a node's input <paramref name="index"/>; null when absent or unknown.</summary>
    public InferredValue? In(NodeProto node, int index) => NodeValues.Input(node, index) is { } n ? Get(n) : null;

    public TensorShape? ShapeOf(string name) => Get(name)?.Shape;

    public TensorProto.Types.DataType ElemTypeOf(string name) => Get(name)?.ElemType ?? TensorProto.Types.DataType.Undefined;

    /// <summary>The constant tensor behind a value (initializer or Constant node output), if any.</summary>
    public TensorProto? ConstantOf(string name) => _constants.GetValueOrDefault(name);

    public long[]? ConstantInts(string name) => ConstantOf(name) is { } t ? ConstantTensors.ToInt64s(t) : null;

    /// <summary>Records what is known about a value created after inference ran (e.g. by a gradient rule).</summary>
    public void Set(string name, InferredValue value) => _values[name] = value;

    private void Declare(ValueInfoProto vi)
    {
        if (vi.Type?.TensorType is not { } tt) return;
        TensorShape? shape = tt.Shape is null ? null : new TensorShape(tt.Shape.Dim.Select(d =>
            d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? (ShapeDim)d.DimValue
            : d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam ? ShapeDim.Of(d.DimParam)
            : ShapeDim.Unknown).ToArray());
        var old = Get(vi.Name);
        _values[vi.Name] = new InferredValue(tt.ElemType != 0 ? (TensorProto.Types.DataType)tt.ElemType : old?.ElemType ?? TensorProto.Types.DataType.Undefined, shape ?? old?.Shape, old?.IntElements);
    }

    private void AddConstant(string name, TensorProto t)
    {
        _constants[name] = t;
        IReadOnlyList<ShapeDim>? ints = null;
        if (t.Dims.Count <= 1 && ConstantTensors.ToInt64s(t) is { Length: <= 64 } v) ints = v.Select(x => (ShapeDim)x).ToArray();
        _values[name] = new InferredValue((TensorProto.Types.DataType)t.DataType, new TensorShape(t.Dims.ToArray()), ints);
    }

    private void Infer(NodeProto node)
    {
        if (node.OpType == "Constant")
        {
            if (ConstantNodes.Value(node) is { } t) AddConstant(node.Output[0], t);
            return;
        }
        if (ShapeRegistry.Find(node.OpType) is not { } rule) return;
        InferredValue?[] outputs;
        try
        {
            outputs = rule.Infer(this, node);
        }
        catch (ShapeInferenceException e)
        {
            throw new ShapeInferenceException($"node '{node.Name}' ({node.OpType}): {e.Message}");
        }
        for (int i = 0; i < node.Output.Count && i < outputs.Length; i++)
        {
            if (node.Output[i].Length == 0 || outputs[i] is not { } inferred) continue;
            _values[node.Output[i]] = MergeWithDeclared(inferred, Get(node.Output[i]));
        }
    }

    /// <summary>A declared value_info wins over an inferred value only where the inferred one is unknown.</summary>
    private static InferredValue MergeWithDeclared(InferredValue inferred, InferredValue? declared)
    {
        if (declared?.Shape is not { } ds) return inferred;
        if (inferred.Shape is not { } s) return inferred with { Shape = ds, ElemType = inferred.ElemType != TensorProto.Types.DataType.Undefined ? inferred.ElemType : declared.ElemType };
        if (ds.Rank != s.Rank) return inferred;
        return inferred with { Shape = new TensorShape(s.Dims.Zip(ds.Dims).Select(p => p.First.IsKnown || p.First.Symbol is not null ? p.First : p.Second).ToArray()) };
    }

    /// <summary>The shape a shape-valued input (Reshape/Expand/ConstantOfShape target) describes: its elements where
    /// propagated, else its static length as the rank with unknown dims, else unknown.</summary>
    public static TensorShape? ShapeFromShapeInput(InferredValue? target)
    {
        if (target?.IntElements is { } elements) return new TensorShape(elements);
        if (target?.Shape is { Rank: 1 } s && s[0].Value is long rank) return new TensorShape(Enumerable.Repeat(ShapeDim.Unknown, (int)rank).ToArray());
        return null;
    }

    internal static ShapeDim BroadcastDim(ShapeDim a, ShapeDim b)
    {
        if (a.Value == 1) return b;
        if (b.Value == 1) return a;
        if (a.SameAs(b)) return a;
        if (a.IsKnown && b.IsKnown) throw new ShapeInferenceException($"dimensions {a.Value} and {b.Value} cannot be broadcast together");
        if (a.IsKnown) return a;
        if (b.IsKnown) return b;
        return ShapeDim.Unknown;
    }

    internal static TensorShape Broadcast(TensorShape a, TensorShape b)
    {
        int rank = Math.Max(a.Rank, b.Rank);
        var dims = new ShapeDim[rank];
        for (int i = 0; i < rank; i++)
        {
            int ia = i - (rank - a.Rank), ib = i - (rank - b.Rank);
            dims[i] = ia < 0 ? b[ib] : ib < 0 ? a[ia] : BroadcastDim(a[ia], b[ib]);
        }
        return new TensorShape(dims);
    }

    internal static TensorShape? BroadcastAll(IEnumerable<InferredValue?> inputs)
    {
        TensorShape? result = null;
        foreach (var v in inputs)
        {
            if (v?.Shape is null) return null;
            result = result is null ? v.Shape : Broadcast(result, v.Shape);
        }
        return result;
    }

    /// <summary>Product of dims: a number when all are known, a symbol when exactly one symbol times 1, else unknown.</summary>
    internal static ShapeDim Product(IEnumerable<ShapeDim> dims)
    {
        long known = 1;
        string? symbol = null;
        foreach (var d in dims)
        {
            if (d.Value is long v) known *= v;
            else if (d.Symbol is not null && symbol is null)
            {
                var (name, factor) = d.SymbolFactor();
                symbol = name;
                known *= factor;
            }
            else return ShapeDim.Unknown;
        }
        return symbol is null ? known : known == 0 ? 0 : ShapeDim.Scaled(symbol, known);
    }

    /// <summary>Normalized reduction axes of a Reduce* node (attribute or constant second input); null = unknown.</summary>
    public long[]? ReduceAxes(NodeProto node, int rank)
    {
        long[]? axes = AttributeValues.Ints(node, "axes");
        if (axes is null && NodeValues.Input(node, 1) is { } axesInput)
        {
            axes = ConstantInts(axesInput) ?? Get(axesInput)?.IntElements?.Select(d => d.Value ?? long.MinValue).ToArray();
            if (axes is null || axes.Contains(long.MinValue)) return null;
        }
        if (node.OpType is "ArgMax" or "ArgMin") axes = [AttributeValues.Int(node, "axis", 0)];
        if (axes is null || axes.Length == 0)
            return AttributeValues.Int(node, "noop_with_empty_axes", 0) != 0 ? [] : Enumerable.Range(0, rank).Select(i => (long)i).ToArray();
        return axes.Select(a => a < 0 ? a + rank : a).Order().ToArray();
    }

    /// <summary>Normalized axes of Squeeze/Unsqueeze (attribute or known second input); null = unknown.</summary>
    public long[]? AxesOf(NodeProto node, int rank)
    {
        var axes = AttributeValues.Ints(node, "axes") ?? (NodeValues.Input(node, 1) is { } a ? KnownInts(a) : null);
        return axes?.Select(v => v < 0 ? v + rank : v).ToArray();
    }

    /// <summary>Constant Slice parameters per axis (start, end, step), clamped like ONNX; null when not constant.</summary>
    public (long[] Axes, long[] Starts, long[] Ends, long[] Steps)? SliceParameters(NodeProto node, TensorShape x)
    {
        long[]? Const(int i) => KnownInts(NodeValues.Input(node, i));
        var starts = AttributeValues.Ints(node, "starts") ?? Const(1);
        var ends = AttributeValues.Ints(node, "ends") ?? Const(2);
        if (starts is null || ends is null) return null;
        var axes = AttributeValues.Ints(node, "axes") ?? (NodeValues.Input(node, 3) is null ? Enumerable.Range(0, starts.Length).Select(i => (long)i).ToArray() : Const(3));
        var steps = NodeValues.Input(node, 4) is null ? Enumerable.Repeat(1L, starts.Length).ToArray() : Const(4);
        if (axes is null || steps is null) return null;
        var clampedStarts = new long[starts.Length];
        var clampedEnds = new long[starts.Length];
        for (int i = 0; i < starts.Length; i++)
        {
            if (axes[i] < 0) axes[i] += x.Rank;
            if (x[(int)axes[i]].Value is not long dim) return null;
            long s = starts[i] < 0 ? starts[i] + dim : starts[i], e = ends[i] < 0 ? ends[i] + dim : ends[i];
            if (steps[i] > 0) { s = Math.Clamp(s, 0, dim); e = Math.Clamp(e, 0, dim); }
            else { s = Math.Clamp(s, 0, dim - 1); e = Math.Clamp(e, -1, dim - 1); }
            (clampedStarts[i], clampedEnds[i]) = (s, e);
        }
        return (axes, clampedStarts, clampedEnds, steps);
    }

    /// <summary>The elements of a constant or statically propagated int64 tensor, when all are known.</summary>
    public long[]? KnownInts(string? name)
    {
        if (name is null) return null;
        if (ConstantInts(name) is { } constant) return constant;
        var elements = Get(name)?.IntElements;
        return elements is null || elements.Any(d => !d.IsKnown) ? null : elements.Select(d => d.Value!.Value).ToArray();
    }

    /// <summary>Sizes of a Split node's outputs along its axis, when known.</summary>
    public long[]? SplitSizes(NodeProto node, TensorShape x)
    {
        int axis = (int)AttributeValues.Int(node, "axis", 0);
        if (axis < 0) axis += x.Rank;
        if (AttributeValues.Ints(node, "split") is { } attribute) return attribute;
        // A split input known only at run time gives unknown sizes, not equal chunks.
        if (NodeValues.Input(node, 1) is { } input) return ConstantInts(input);
        if (x[axis].Value is not long dim) return null;
        int n = node.Output.Count;
        long chunk = (dim + n - 1) / n;
        return Enumerable.Range(0, n).Select(i => Math.Min(chunk, Math.Max(0, dim - i * chunk))).ToArray();
    }
}
