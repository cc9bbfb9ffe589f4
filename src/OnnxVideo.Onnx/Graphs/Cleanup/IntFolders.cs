using OnnxVideo.Onnx.Proto;
using OnnxVideo.Onnx.Shapes;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Onnx.Graphs.Cleanup;

/// <summary>
/// The one table of build-time evaluators of shape arithmetic: op type → <see cref="FoldNode"/>. Only integer and
/// boolean results are produced (float math is left to the runtime, so folding never changes a rounding), and an
/// evaluator returns null whenever its inputs are not what it handles.
/// </summary>
internal static class IntFolders
{
    private static readonly Dictionary<string, FoldNode> Table = new(StringComparer.Ordinal)
    {
        ["Shape"] = Shape,
        ["Size"] = Size,
        ["Cast"] = Cast,
        ["Add"] = (n, i, _) => Arithmetic(i, (a, b) => checked(a + b)),
        ["Sub"] = (n, i, _) => Arithmetic(i, (a, b) => checked(a - b)),
        ["Mul"] = (n, i, _) => Arithmetic(i, (a, b) => checked(a * b)),
        // C#'s integer division truncates toward zero, as ONNX Runtime's integer Div does.
        ["Div"] = (n, i, _) => Arithmetic(i, (a, b) => b == 0 ? null : checked(a / b)),
        ["Equal"] = Equal,
        ["Where"] = Where,
        ["ConstantOfShape"] = ConstantOfShape,
        ["Gather"] = IntDataMovementFolders.Gather,
        ["Slice"] = IntDataMovementFolders.Slice,
        ["Concat"] = IntDataMovementFolders.Concat,
        ["Unsqueeze"] = IntDataMovementFolders.Unsqueeze,
        ["Squeeze"] = IntDataMovementFolders.Squeeze,
        ["Reshape"] = IntDataMovementFolders.Reshape,
    };

    /// <summary>The evaluator of a standard-domain op with one output; null for other nodes.</summary>
    public static FoldNode? Find(NodeProto node) =>
        node.Domain is "" or "ai.onnx" && node.Output.Count == 1 ? Table.GetValueOrDefault(node.OpType) : null;

    /// <summary>The dims [start, end) of a statically known shape; null when any of them is symbolic or unknown
    /// (a dynamic batch dimension stays a runtime Shape).</summary>
    private static IntTensor? Shape(NodeProto node, IReadOnlyList<IntTensor?> inputs, ShapeInference shapes)
    {
        if (NodeValues.Input(node, 0) is not { } x || shapes.ShapeOf(x) is not { } shape)
        {
            return null;
        }
        long rank = shape.Rank, start = AttributeValues.Int(node, "start", 0), end = AttributeValues.Int(node, "end", rank);
        start = Math.Clamp(start < 0 ? start + rank : start, 0, rank);
        end = Math.Clamp(end < 0 ? end + rank : end, start, rank);
        var dims = shape.Dims.Skip((int)start).Take((int)(end - start)).ToArray();
        return dims.All(d => d.IsKnown) ? new IntTensor(DataType.Int64, [dims.Length], dims.Select(d => d.Value!.Value).ToArray()) : null;
    }

    /// <summary>The element count of a statically known shape (a symbolic batch dim keeps it a runtime Size).</summary>
    private static IntTensor? Size(NodeProto node, IReadOnlyList<IntTensor?> inputs, ShapeInference shapes)
    {
        if (NodeValues.Input(node, 0) is not { } x || shapes.ShapeOf(x) is not { IsFullyKnown: true } shape)
        {
            return null;
        }
        try
        {
            return new IntTensor(DataType.Int64, [], [shape.Dims.Aggregate(1L, (count, d) => checked(count * d.Value!.Value))]);
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    private static IntTensor? Cast(NodeProto node, IReadOnlyList<IntTensor?> inputs, ShapeInference shapes)
    {
        var to = (DataType)AttributeValues.Int(node, "to", 0);
        if (inputs is not [{ } x] || !IntTensor.IsIntegerType(to))
        {
            return null;
        }
        if (to == DataType.Bool)
        {
            return x with { ElemType = to, Values = x.Values.Select(v => v != 0 ? 1L : 0L).ToArray() };
        }
        return to == DataType.Int32 && x.Values.Any(v => v is < int.MinValue or > int.MaxValue) ? null : x with { ElemType = to };
    }

    private static IntTensor? Arithmetic(IReadOnlyList<IntTensor?> inputs, Func<long, long, long?> apply)
    {
        if (inputs is not [{ } a, { } b] || a.ElemType != b.ElemType || a.ElemType == DataType.Bool)
        {
            return null;
        }
        try
        {
            var result = IntBroadcast.Map([a, b], a.ElemType, e => apply(e[0], e[1]));
            return result is not null && a.ElemType == DataType.Int32 && result.Values.Any(v => v is < int.MinValue or > int.MaxValue) ? null : result;
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    private static IntTensor? Equal(NodeProto node, IReadOnlyList<IntTensor?> inputs, ShapeInference shapes) =>
        inputs is [{ } a, { } b] && a.ElemType == b.ElemType ? IntBroadcast.Map([a, b], DataType.Bool, e => e[0] == e[1] ? 1 : 0) : null;

    private static IntTensor? Where(NodeProto node, IReadOnlyList<IntTensor?> inputs, ShapeInference shapes) =>
        inputs is [{ ElemType: DataType.Bool } condition, { } x, { } y] && x.ElemType == y.ElemType
            ? IntBroadcast.Map([condition, x, y], x.ElemType, e => e[0] != 0 ? e[1] : e[2])
            : null;

    private static IntTensor? ConstantOfShape(NodeProto node, IReadOnlyList<IntTensor?> inputs, ShapeInference shapes)
    {
        // Without a value attribute the fill is float zero, which is not shape arithmetic.
        if (inputs is not [{ ElemType: DataType.Int64, Rank: 1 } shape] || AttributeValues.Tensor(node, "value") is not { } value
            || IntTensor.From(value) is not { Values: [var fill] } filler || shape.Values.Any(d => d < 0) || IntTensor.CountOf(shape.Values) > IntTensor.MaxElements)
        {
            return null;
        }
        return new IntTensor(filler.ElemType, shape.Values, Enumerable.Repeat(fill, (int)IntTensor.CountOf(shape.Values)).ToArray());
    }
}
