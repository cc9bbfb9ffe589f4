using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Graphs;
using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Onnx.Shapes;

/// <summary>
/// ONNX-style static type and shape inference over a graph, with symbolic dims ("N") and propagation of small
/// integer tensors (Shape → Gather → Concat → Reshape chains as torch.onnx.export writes them). Values it cannot
/// infer are reported as unknown; callers fall back to runtime Shape ops.
/// </summary>
internal sealed class ShapeInference
{
    private const int Float = (int)TensorProto.Types.DataType.Float;
    private const int Int64 = (int)TensorProto.Types.DataType.Int64;
    private const int Bool = (int)TensorProto.Types.DataType.Bool;

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

    public TensorShape? ShapeOf(string name) => Get(name)?.Shape;

    public int ElemTypeOf(string name) => Get(name)?.ElemType ?? 0;

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
        _values[vi.Name] = new InferredValue(tt.ElemType != 0 ? tt.ElemType : old?.ElemType ?? 0, shape ?? old?.Shape, old?.IntElements);
    }

    private void AddConstant(string name, TensorProto t)
    {
        _constants[name] = t;
        IReadOnlyList<ShapeDim>? ints = null;
        if (t.Dims.Count <= 1 && ConstantTensors.ToInt64s(t) is { Length: <= 64 } v) ints = v.Select(x => (ShapeDim)x).ToArray();
        _values[name] = new InferredValue(t.DataType, new TensorShape(t.Dims.ToArray()), ints);
    }

    private void Infer(NodeProto node)
    {
        if (node.OpType == "Constant")
        {
            if (ConstantNodes.Value(node) is { } t) AddConstant(node.Output[0], t);
            return;
        }
        InferredValue?[] outputs;
        try
        {
            outputs = InferOutputs(node);
        }
        catch (ShapeInferenceException e)
        {
            throw new ShapeInferenceException($"node '{node.Name}' ({node.OpType}): {e.Message}");
        }
        for (int i = 0; i < node.Output.Count; i++)
        {
            if (node.Output[i].Length == 0) continue;
            var inferred = i < outputs.Length ? outputs[i] : null;
            var declared = Get(node.Output[i]);
            if (inferred is null) continue;
            // Where inference loses the shape, a declared one (value_info, graph output) still gives it.
            if (inferred.Shape is null && declared?.Shape is not null) inferred = inferred with { Shape = declared.Shape };
            // A declared value_info shape wins over an inferred one only where the inferred one is unknown.
            _values[node.Output[i]] = declared?.Shape is { } ds && inferred.Shape is { } s2 && ds.Rank == s2.Rank
                ? inferred with { Shape = new TensorShape(s2.Dims.Zip(ds.Dims).Select(p => p.First.IsKnown || p.First.Symbol is not null ? p.First : p.Second).ToArray()) }
                : inferred;
        }
    }

    private InferredValue? In(NodeProto node, int index) => NodeValues.Input(node, index) is { } n ? Get(n) : null;

    private static InferredValue Val(int type, TensorShape? shape, IReadOnlyList<ShapeDim>? ints = null) => new(type, shape, ints);

    private InferredValue?[] InferOutputs(NodeProto node)
    {
        var x = In(node, 0);
        int type = x?.ElemType ?? 0;
        var shape = x?.Shape;
        switch (node.OpType)
        {
            case "Relu" or "Sigmoid" or "Tanh" or "Erf" or "Gelu" or "Exp" or "Log" or "Sqrt" or "Neg" or "Abs" or "Reciprocal"
                or "Softmax" or "LogSoftmax" or "Clip" or "LeakyRelu" or "Elu" or "HardSigmoid" or "HardSwish" or "Softplus"
                or "Floor" or "Ceil" or "Round" or "Sign" or "Sin" or "Cos" or "BatchNormalization" or "Not" or "CumSum":
                return [Val(type, shape)];
            case "Identity":
                return [x];
            case "Dropout":
                return [Val(type, shape), Val(Bool, shape)];
            case "IsNaN" or "IsInf":
                return [Val(Bool, shape)];
            case "Cast":
                return [Val((int)AttributeValues.Int(node, "to", 0), shape, AttributeValues.Int(node, "to", 0) == Int64 ? x?.IntElements : null)];
            case "Add" or "Sub" or "Mul" or "Div" or "Pow" or "Max" or "Min" or "Mod" or "Sum" or "Mean" or "PRelu":
                return [Val(type, BroadcastAll(node.Input.Select(Get)), ElementwiseInts(node))];
            case "Equal":
                return [Val(Bool, BroadcastAll(node.Input.Select(Get)), EqualInts(node))];
            case "Less" or "Greater" or "LessOrEqual" or "GreaterOrEqual" or "And" or "Or" or "Xor":
                return [Val(Bool, BroadcastAll(node.Input.Select(Get)))];
            case "Where":
                return [Val(In(node, 1)?.ElemType ?? 0, BroadcastAll(node.Input.Select(Get)), WhereInts(node))];
            case "MatMul":
                return [Val(type, MatMulShape(shape, In(node, 1)?.Shape))];
            case "Gemm":
                return [Val(type, GemmShape(node, shape, In(node, 1)?.Shape))];
            case "Conv" or "MaxPool" or "AveragePool" or "LpPool":
                var conv = ConvShape(node, shape, In(node, 1)?.Shape);
                return [Val(type, conv), Val(Int64, conv)];
            case "GlobalAveragePool" or "GlobalMaxPool":
                return [Val(type, shape is null ? null : new TensorShape(shape.Dims.Select((d, i) => i < 2 ? d : 1).ToArray()))];
            case "LayerNormalization":
                return LayerNormShapes(node, type, shape);
            case "ReduceMean" or "ReduceSum" or "ReduceMax" or "ReduceMin" or "ReduceProd" or "ReduceL1" or "ReduceL2"
                or "ReduceLogSumExp" or "ReduceSumSquare":
                return [Val(type, ReduceShape(node, shape))];
            case "ArgMax" or "ArgMin":
                return [Val(Int64, ReduceShape(node, shape))];
            case "Flatten":
                return [Val(type, FlattenShape(node, shape))];
            case "Reshape":
                return [Val(type, ReshapeShape(node, shape, In(node, 1)?.IntElements) ?? UnknownDims(In(node, 1)), x?.IntElements)];
            case "Transpose":
                return [Val(type, shape is null ? null : Permute(shape, AttributeValues.Ints(node, "perm") ?? Enumerable.Range(0, shape.Rank).Reverse().Select(i => (long)i).ToArray()))];
            case "Squeeze":
                return [Val(type, SqueezeShape(node, shape), x?.IntElements)];
            case "Unsqueeze":
                return [Val(type, UnsqueezeShape(node, shape), x?.IntElements)];
            case "Concat":
                return [ConcatValue(node)];
            case "Slice":
                return [SliceValue(node, x)];
            case "Split":
                return SplitShapes(node, type, shape);
            case "Gather":
                return [GatherValue(node, x, In(node, 1))];
            case "Expand":
                var target = In(node, 1)?.IntElements;
                var targetShape = target is not null ? new TensorShape(target) : UnknownDims(In(node, 1));
                return [Val(type, shape is null || targetShape is null ? null : Broadcast(shape, targetShape))];
            case "Shape":
                return [ShapeValue(node, shape)];
            case "Size":
                return [Val(Int64, new TensorShape(), shape is null ? null : [Product(shape.Dims)])];
            case "ConstantOfShape":
                var dims = In(node, 0)?.IntElements;
                var valueType = AttributeValues.Tensor(node, "value")?.DataType ?? Float;
                var fill = AttributeValues.Tensor(node, "value") is { } v && ConstantTensors.ToInt64s(v) is [var f] ? (ShapeDim?)f : null;
                IReadOnlyList<ShapeDim>? filled = fill is not null && KnownInts(node.Input[0]) is [var count] && count <= 64
                    ? Enumerable.Repeat(fill.Value, (int)count).ToArray() : null;
                return [Val(valueType, dims is null ? UnknownDims(In(node, 0)) : new TensorShape(dims.ToArray()), filled)];
            case "OneHot":
                return [Val(In(node, 2)?.ElemType ?? 0, OneHotShape(node, shape))];
            case "Range":
                return [Val(type, RangeShape(node))];
            case "NonZero":
                return [Val(Int64, shape is null ? null : new TensorShape([shape.Rank, ShapeDim.Unknown]))];
            case "Pad":
                var pads = AttributeValues.Ints(node, "pads") ?? KnownInts(NodeValues.Input(node, 1));
                return [Val(type, shape is null || pads is null || pads.Length != 2 * shape.Rank || NodeValues.Input(node, 3) is not null ? null
                    : new TensorShape(shape.Dims.Select((d, i) => d.Value is long v ? (ShapeDim)(v + pads[i] + pads[shape.Rank + i]) : pads[i] + pads[shape.Rank + i] == 0 ? d : ShapeDim.Unknown).ToArray()))];
            case "Tile":
                return [Val(type, shape is not null && KnownInts(NodeValues.Input(node, 1)) is { } repeats && repeats.Length == shape.Rank
                    ? new TensorShape(shape.Dims.Select((d, i) => d.Value is long v ? (ShapeDim)(v * repeats[i]) : repeats[i] == 1 ? d : ShapeDim.Unknown).ToArray())
                    : shape is null ? null : Unknown(shape.Rank))];
            case "ScatterElements" or "ScatterND":
                return [x];
            case "GatherElements":
                return [Val(type, In(node, 1)?.Shape)];
            case "GatherND":
                return [Val(type, GatherNDShape(node, shape, In(node, 1)?.Shape))];
            case "Einsum":
                return [Val(type, EinsumShape(node))];
            case "If":
                return IfShapes(node);
            default:
                return [];
        }
    }

    private TensorShape? OneHotShape(NodeProto node, TensorShape? indices)
    {
        if (indices is null || ConstantInts(node.Input[1]) is not [var depth]) return null;
        long axis = AttributeValues.Int(node, "axis", -1);
        if (axis < 0) axis += indices.Rank + 1;
        var dims = indices.Dims.ToList();
        dims.Insert((int)axis, depth);
        return new TensorShape(dims);
    }

    private TensorShape? RangeShape(NodeProto node)
    {
        double? Scalar(int i) => ConstantOf(node.Input[i]) is { } t && ConstantTensors.ToDoubles(t) is [var v] ? v : null;
        if (Scalar(0) is not double start || Scalar(1) is not double limit || Scalar(2) is not double delta || delta == 0) return new TensorShape([ShapeDim.Unknown]);
        return new TensorShape([(long)Math.Max(0, Math.Ceiling((limit - start) / delta))]);
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

    private static TensorShape? BroadcastAll(IEnumerable<InferredValue?> inputs)
    {
        TensorShape? result = null;
        foreach (var v in inputs)
        {
            if (v?.Shape is null) return null;
            result = result is null ? v.Shape : Broadcast(result, v.Shape);
        }
        return result;
    }

    private IReadOnlyList<ShapeDim>? ElementwiseInts(NodeProto node)
    {
        if (node.Input.Count != 2 || In(node, 0)?.IntElements is not { } a || In(node, 1)?.IntElements is not { } b) return null;
        if (a.Count != b.Count && a.Count != 1 && b.Count != 1) return null;
        int n = Math.Max(a.Count, b.Count);
        var result = new ShapeDim[n];
        for (int i = 0; i < n; i++)
        {
            var (p, q) = (a[a.Count == 1 ? 0 : i], b[b.Count == 1 ? 0 : i]);
            result[i] = p.Value is long u && q.Value is long v
                ? node.OpType switch { "Add" => u + v, "Sub" => u - v, "Mul" => u * v, "Div" when v != 0 => u / v, _ => ShapeDim.Unknown }
                : node.OpType == "Mul" && q.Value == 1 ? p : node.OpType == "Mul" && p.Value == 1 ? q : ShapeDim.Unknown;
        }
        return result;
    }

    /// <summary>
    /// Equal of small int tensors as 1/0 where decided: equal numbers, or a dim (never negative) against a negative
    /// number, as torch writes <c>expand(n, -1)</c> (Where(Equal(shape, -1), 1, shape)).
    /// </summary>
    private IReadOnlyList<ShapeDim>? EqualInts(NodeProto node)
    {
        if (In(node, 0)?.IntElements is not { } a || In(node, 1)?.IntElements is not { } b || (a.Count != b.Count && a.Count != 1 && b.Count != 1)) return null;
        return Enumerable.Range(0, Math.Max(a.Count, b.Count)).Select(i =>
        {
            var (p, q) = (a[a.Count == 1 ? 0 : i], b[b.Count == 1 ? 0 : i]);
            if (p.Value is long u && q.Value is long v) return (ShapeDim)(u == v ? 1 : 0);
            if (p.SameAs(q)) return 1;
            return (p.Symbol is not null && q.Value < 0) || (q.Symbol is not null && p.Value < 0) ? 0 : ShapeDim.Unknown;
        }).ToArray();
    }

    /// <summary>Where over small int tensors, element by element, where the condition is known.</summary>
    private IReadOnlyList<ShapeDim>? WhereInts(NodeProto node)
    {
        if (In(node, 0)?.IntElements is not { } c || In(node, 1)?.IntElements is not { } a || In(node, 2)?.IntElements is not { } b) return null;
        int n = Math.Max(c.Count, Math.Max(a.Count, b.Count));
        if (new[] { c.Count, a.Count, b.Count }.Any(k => k != n && k != 1)) return null;
        ShapeDim At(IReadOnlyList<ShapeDim> e, int i) => e[e.Count == 1 ? 0 : i];
        return Enumerable.Range(0, n).Select(i => At(c, i).Value switch { null => ShapeDim.Unknown, 0 => At(b, i), _ => At(a, i) }).ToArray();
    }

    /// <summary>Product of dims: a number when all are known, a symbol when exactly one symbol times 1, else unknown.</summary>
    internal static ShapeDim Product(IEnumerable<ShapeDim> dims)
    {
        long known = 1;
        ShapeDim? symbol = null;
        foreach (var d in dims)
        {
            if (d.Value is long v) known *= v;
            else if (d.Symbol is not null && symbol is null) symbol = d;
            else return ShapeDim.Unknown;
        }
        return symbol is null ? known : known == 1 ? symbol.Value : ShapeDim.Unknown;
    }

    private static TensorShape? MatMulShape(TensorShape? a, TensorShape? b)
    {
        if (a is null || b is null) return null;
        var a2 = a.Rank == 1 ? new TensorShape([1, a[0]]) : a;
        var b2 = b.Rank == 1 ? new TensorShape([b[0], 1]) : b;
        var batch = Broadcast(new TensorShape(a2.Dims.Take(a2.Rank - 2).ToArray()), new TensorShape(b2.Dims.Take(b2.Rank - 2).ToArray()));
        var dims = batch.Dims.ToList();
        if (a.Rank > 1) dims.Add(a2[a2.Rank - 2]);
        if (b.Rank > 1) dims.Add(b2[b2.Rank - 1]);
        return new TensorShape(dims);
    }

    /// <summary>Gemm is 2-D by definition: the rank is known even where the input shapes are not.</summary>
    private static TensorShape GemmShape(NodeProto node, TensorShape? a, TensorShape? b)
    {
        var m = a is not { Rank: 2 } ? ShapeDim.Unknown : AttributeValues.Int(node, "transA", 0) != 0 ? a[1] : a[0];
        var n = b is not { Rank: 2 } ? ShapeDim.Unknown : AttributeValues.Int(node, "transB", 0) != 0 ? b[0] : b[1];
        return new TensorShape([m, n]);
    }

    /// <summary>indices[:-1] + data[batch_dims + m:], m the length of one index tuple (indices' last dim).</summary>
    private static TensorShape? GatherNDShape(NodeProto node, TensorShape? data, TensorShape? indices)
    {
        if (data is null || indices is null || indices.Rank == 0 || indices[indices.Rank - 1].Value is not long m) return null;
        int batchDims = (int)AttributeValues.Int(node, "batch_dims", 0);
        return new TensorShape(indices.Dims.Take(indices.Rank - 1).Concat(data.Dims.Skip(batchDims + (int)m)).ToArray());
    }

    /// <summary>Einsum: each output label takes its size from an operand; an ellipsis broadcasts.</summary>
    private TensorShape? EinsumShape(NodeProto node)
    {
        var equation = AttributeValues.String(node, "equation")?.Replace(" ", "", StringComparison.Ordinal);
        var arrow = equation?.IndexOf("->", StringComparison.Ordinal) ?? -1;
        if (equation is null) return null;
        var terms = (arrow < 0 ? equation : equation[..arrow]).Split(',');
        if (terms.Length != node.Input.Count) return null;
        var sizes = new Dictionary<char, ShapeDim>();
        TensorShape? ellipsis = new(Array.Empty<ShapeDim>());
        for (int i = 0; i < terms.Length; i++)
        {
            if (Get(node.Input[i])?.Shape is not { } shape) return null;
            var term = terms[i];
            int dots = term.IndexOf("...", StringComparison.Ordinal);
            var labels = term.Replace("...", "", StringComparison.Ordinal);
            int spanned = shape.Rank - labels.Length;
            if (spanned < 0 || (dots < 0 && spanned != 0)) return null;
            for (int j = 0; j < labels.Length; j++)
            {
                int axis = dots >= 0 && j >= dots ? j + spanned : j;
                sizes[labels[j]] = sizes.TryGetValue(labels[j], out var seen) && !shape[axis].IsKnown ? seen : shape[axis];
            }
            if (dots >= 0) ellipsis = Broadcast(ellipsis!, new TensorShape(shape.Dims.Skip(dots).Take(spanned).ToArray()));
        }
        // Implicit output: the ellipsis, then the labels used once, in alphabetical order.
        var output = arrow >= 0 ? equation[(arrow + 2)..]
            : (equation.Contains("...", StringComparison.Ordinal) ? "..." : "") + new string(string.Concat(terms).Replace(".", "", StringComparison.Ordinal)
                .GroupBy(ch => ch).Where(g => g.Count() == 1).Select(g => g.Key).Order().ToArray());
        var dims = new List<ShapeDim>();
        for (int j = 0; j < output.Length; j++)
        {
            if (output.AsSpan(j).StartsWith("...")) { dims.AddRange(ellipsis!.Dims); j += 2; }
            else if (sizes.TryGetValue(output[j], out var d)) dims.Add(d);
            else return null;
        }
        return new TensorShape(dims);
    }

    /// <summary>Rank-only shape of a value whose dims come from a 1-D shape tensor of static length (Expand, Reshape targets).</summary>
    private static TensorShape? UnknownDims(InferredValue? shapeTensor) =>
        shapeTensor?.Shape is { Rank: 1 } s && s[0].Value is long length ? Unknown((int)length) : null;

    private static TensorShape Unknown(int rank) => new(Enumerable.Repeat(ShapeDim.Unknown, rank).ToArray());

    /// <summary>If: where both branches declare outputs of one rank, that rank (dims kept where both agree on a number).</summary>
    private static InferredValue?[] IfShapes(NodeProto node)
    {
        var then = AttributeValues.Find(node, "then_branch")?.G;
        var otherwise = AttributeValues.Find(node, "else_branch")?.G;
        if (then is null || otherwise is null || then.Output.Count != node.Output.Count || otherwise.Output.Count != node.Output.Count) return [];
        return node.Output.Select((_, i) =>
        {
            var (a, b) = (then.Output[i].Type?.TensorType, otherwise.Output[i].Type?.TensorType);
            if (a?.Shape is null || b?.Shape is null || a.Shape.Dim.Count != b.Shape.Dim.Count) return Val(a?.ElemType ?? b?.ElemType ?? 0, null);
            var dims = a.Shape.Dim.Zip(b.Shape.Dim).Select(p => p.First.DimValue > 0 && p.First.DimValue == p.Second.DimValue ? (ShapeDim)p.First.DimValue : ShapeDim.Unknown);
            return (InferredValue?)Val(a.ElemType, new TensorShape(dims.ToArray()));
        }).ToArray();
    }

    private static TensorShape? ConvShape(NodeProto node, TensorShape? x, TensorShape? w)
    {
        if (x is null) return null;
        long[]? kernel = AttributeValues.Ints(node, "kernel_shape");
        bool isConv = node.OpType == "Conv";
        if (kernel is null && isConv && w is not null && w.Dims.Skip(2).All(d => d.IsKnown)) kernel = w.Dims.Skip(2).Select(d => d.Value!.Value).ToArray();
        if (kernel is null) return null;
        var channels = isConv ? (w is null ? ShapeDim.Unknown : w[0]) : x[1];
        var geometry = ConvGeometry.Compute(node, x, kernel, !isConv);
        var dims = new List<ShapeDim> { x[0], channels };
        for (int i = 0; i < kernel.Length; i++) dims.Add(geometry is null ? ShapeDim.Unknown : geometry[i].Out);
        return new TensorShape(dims);
    }

    private InferredValue?[] LayerNormShapes(NodeProto node, int type, TensorShape? x)
    {
        if (x is null) return [Val(type, null)];
        int axis = (int)AttributeValues.Int(node, "axis", -1);
        if (axis < 0) axis += x.Rank;
        var stats = new TensorShape(x.Dims.Select((d, i) => i < axis ? d : 1).ToArray());
        return [Val(type, x), Val(Float, stats), Val(Float, stats)];
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

    private TensorShape? ReduceShape(NodeProto node, TensorShape? x)
    {
        if (x is null || ReduceAxes(node, x.Rank) is not { } axes) return null;
        bool keep = AttributeValues.Int(node, "keepdims", 1) != 0;
        var dims = new List<ShapeDim>();
        for (int i = 0; i < x.Rank; i++)
        {
            if (!axes.Contains(i)) dims.Add(x[i]);
            else if (keep) dims.Add(1);
        }
        return new TensorShape(dims);
    }

    private static TensorShape? FlattenShape(NodeProto node, TensorShape? x)
    {
        if (x is null) return null;
        int axis = (int)AttributeValues.Int(node, "axis", 1);
        if (axis < 0) axis += x.Rank;
        return new TensorShape([Product(x.Dims.Take(axis)), Product(x.Dims.Skip(axis))]);
    }

    private static TensorShape? ReshapeShape(NodeProto node, TensorShape? x, IReadOnlyList<ShapeDim>? target)
    {
        if (target is null) return null;
        bool allowZero = AttributeValues.Int(node, "allowzero", 0) != 0;
        var dims = new ShapeDim[target.Count];
        int inferAt = -1;
        for (int i = 0; i < target.Count; i++)
        {
            if (target[i].Value == 0 && !allowZero) dims[i] = x is not null && i < x.Rank ? x[i] : ShapeDim.Unknown;
            else if (target[i].Value == -1) inferAt = i;
            else dims[i] = target[i];
        }
        if (inferAt >= 0) dims[inferAt] = x is null ? ShapeDim.Unknown : Quotient(x.Dims, dims.Where((_, i) => i != inferAt));
        return new TensorShape(dims);
    }

    /// <summary>prod(numerator) / prod(denominator) with symbols cancelled where they appear on both sides.</summary>
    private static ShapeDim Quotient(IEnumerable<ShapeDim> numerator, IEnumerable<ShapeDim> denominator)
    {
        long num = 1, den = 1;
        var symbols = new List<string>();
        foreach (var d in numerator)
        {
            if (d.Value is long v) num *= v;
            else if (d.Symbol is { } s) symbols.Add(s);
            else return ShapeDim.Unknown;
        }
        foreach (var d in denominator)
        {
            if (d.Value is long v) den *= v;
            else if (d.Symbol is { } s && symbols.Remove(s)) continue;
            else return ShapeDim.Unknown;
        }
        if (den == 0 || num % den != 0) return ShapeDim.Unknown;
        return symbols.Count == 0 ? num / den : symbols.Count == 1 && num == den ? ShapeDim.Of(symbols[0]) : ShapeDim.Unknown;
    }

    private static TensorShape Permute(TensorShape x, long[] perm) => new(perm.Select(p => x[(int)p]).ToArray());

    private long[]? AxesOf(NodeProto node, int rank)
    {
        var axes = AttributeValues.Ints(node, "axes") ?? (NodeValues.Input(node, 1) is { } a ? ConstantInts(a) ?? Get(a)?.IntElements?.Select(d => d.Value ?? long.MinValue).ToArray() : null);
        if (axes is null || axes.Contains(long.MinValue)) return null;
        return axes.Select(v => v < 0 ? v + rank : v).ToArray();
    }

    private TensorShape? SqueezeShape(NodeProto node, TensorShape? x)
    {
        if (x is null) return null;
        bool hasAxes = AttributeValues.Find(node, "axes") is not null || NodeValues.Input(node, 1) is not null;
        if (!hasAxes) return x.Dims.All(d => d.IsKnown) ? new TensorShape(x.Dims.Where(d => d.Value != 1).ToArray()) : null;
        if (AxesOf(node, x.Rank) is not { } axes) return null;
        return new TensorShape(x.Dims.Where((_, i) => !axes.Contains(i)).ToArray());
    }

    private TensorShape? UnsqueezeShape(NodeProto node, TensorShape? x)
    {
        if (x is null) return null;
        int rank = x.Rank + (AttributeValues.Ints(node, "axes")?.Length ?? (NodeValues.Input(node, 1) is { } a ? ConstantInts(a)?.Length ?? Get(a)?.IntElements?.Count ?? -1000 : -1000));
        if (rank < 0 || AxesOf(node, rank) is not { } axes) return null;
        var dims = new List<ShapeDim>();
        int next = 0;
        for (int i = 0; i < rank; i++) dims.Add(axes.Contains(i) ? 1 : x[next++]);
        return new TensorShape(dims);
    }

    private InferredValue? ConcatValue(NodeProto node)
    {
        var inputs = node.Input.Select(Get).ToArray();
        if (inputs.Any(v => v?.Shape is null))
        {
            // One input of known shape still gives the rank and the dims off the axis.
            var withShape = inputs.FirstOrDefault(v => v?.Shape is not null);
            int type = inputs.FirstOrDefault(v => v is not null)?.ElemType ?? 0;
            if (withShape is null) return Val(type, null);
            int at = (int)AttributeValues.Int(node, "axis", 0);
            if (at < 0) at += withShape.Shape!.Rank;
            return Val(type, new TensorShape(withShape.Shape!.Dims.Select((d, i) => i == at ? ShapeDim.Unknown : d).ToArray()));
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
        return Val(first.ElemType, new TensorShape(dims), ints);
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

    private InferredValue? SliceValue(NodeProto node, InferredValue? x)
    {
        if (x?.Shape is null) return Val(x?.ElemType ?? 0, null);
        if (SliceParameters(node, x.Shape) is not { } p)
        {
            // Bounds or dims known only at run time: the rank stays, the sliced axes (all, when not constant) are unknown.
            var sliced = AttributeValues.Ints(node, "axes") ?? KnownInts(NodeValues.Input(node, 3));
            var rank = x.Shape.Rank;
            var cut = sliced?.Select(a => a < 0 ? a + rank : a).ToHashSet();
            return Val(x.ElemType, new TensorShape(x.Shape.Dims.Select((d, i) => cut is null || cut.Contains(i) ? ShapeDim.Unknown : d).ToArray()));
        }
        var dims = x.Shape.Dims.ToArray();
        for (int i = 0; i < p.Axes.Length; i++)
        {
            long step = p.Steps[i], span = p.Ends[i] - p.Starts[i];
            dims[p.Axes[i]] = step > 0 ? Math.Max(0, (span + step - 1) / step) : Math.Max(0, (-span - step - 1) / -step);
        }
        IReadOnlyList<ShapeDim>? ints = null;
        if (x.IntElements is { } e && x.Shape.Rank == 1 && p.Steps[0] == 1)
            ints = e.Skip((int)p.Starts[0]).Take((int)Math.Max(0, p.Ends[0] - p.Starts[0])).ToArray();
        return Val(x.ElemType, new TensorShape(dims), ints);
    }

    /// <summary>The elements of a constant or statically propagated int64 tensor, when all are known.</summary>
    private long[]? KnownInts(string? name)
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

    private InferredValue?[] SplitShapes(NodeProto node, int type, TensorShape? x)
    {
        if (x is null) return node.Output.Select(_ => (InferredValue?)Val(type, null)).ToArray();
        int axis = (int)AttributeValues.Int(node, "axis", 0);
        if (axis < 0) axis += x.Rank;
        var sizes = SplitSizes(node, x)?.Select(size => (ShapeDim)size).ToArray()
            ?? node.Output.Select(_ => ShapeDim.Unknown).ToArray();
        return sizes.Select(size =>
        {
            var dims = x.Dims.ToArray();
            dims[axis] = size;
            return (InferredValue?)Val(type, new TensorShape(dims));
        }).ToArray();
    }

    private InferredValue? GatherValue(NodeProto node, InferredValue? data, InferredValue? indices)
    {
        if (data?.Shape is null || indices?.Shape is null) return Val(data?.ElemType ?? 0, null);
        int axis = (int)AttributeValues.Int(node, "axis", 0);
        if (axis < 0) axis += data.Shape.Rank;
        var dims = data.Shape.Dims.Take(axis).Concat(indices.Shape.Dims).Concat(data.Shape.Dims.Skip(axis + 1)).ToArray();
        IReadOnlyList<ShapeDim>? ints = null;
        var idx = KnownInts(node.Input[1]);
        if (data.IntElements is { } e && data.Shape.Rank == 1 && idx is not null)
            ints = idx.Select(i => e[(int)(i < 0 ? i + e.Count : i)]).ToArray();
        return Val(data.ElemType, new TensorShape(dims), ints);
    }

    private static InferredValue ShapeValue(NodeProto node, TensorShape? x)
    {
        if (x is null) return Val(Int64, null);
        long start = AttributeValues.Int(node, "start", 0), end = AttributeValues.Int(node, "end", x.Rank);
        if (start < 0) start += x.Rank;
        if (end < 0) end += x.Rank;
        start = Math.Clamp(start, 0, x.Rank);
        end = Math.Clamp(end, start, x.Rank);
        var dims = x.Dims.Skip((int)start).Take((int)(end - start)).ToArray();
        return Val(Int64, new TensorShape(dims.Length), dims);
    }
}
