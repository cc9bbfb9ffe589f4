using OnnxVideo.Onnx.Proto;
using OnnxVideo.Onnx.Shapes;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Onnx.Graphs.Cleanup;

/// <summary>The data-movement evaluators of <see cref="IntFolders"/>: the opset-13 forms over vectors (shape
/// arithmetic); the older attribute forms of Slice, Squeeze and Unsqueeze are handled where they are unambiguous.</summary>
internal static class IntDataMovementFolders
{
    public static IntTensor? Gather(NodeProto node, IReadOnlyList<IntTensor?> inputs, ShapeInference shapes)
    {
        if (inputs is not [{ Rank: 1 } data, { ElemType: DataType.Int64 or DataType.Int32 } indices] || AttributeValues.Int(node, "axis", 0) is not (0 or -1))
        {
            return null;
        }
        var length = data.Values.Length;
        var values = new long[indices.Values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var index = indices.Values[i] < 0 ? indices.Values[i] + length : indices.Values[i];
            if (index < 0 || index >= length)
            {
                return null;
            }
            values[i] = data.Values[index];
        }
        return new IntTensor(data.ElemType, indices.Dims, values);
    }

    /// <summary>Slice of a vector (opset 10+: starts, ends, axes, steps as inputs), clamped as ONNX specifies.</summary>
    public static IntTensor? Slice(NodeProto node, IReadOnlyList<IntTensor?> inputs, ShapeInference shapes)
    {
        if (AttributeValues.Find(node, "starts") is not null || inputs.Count < 3 || inputs[0] is not { Rank: 1 } data
            || inputs[1] is not { Values: [var start] } || inputs[2] is not { Values: [var end] })
        {
            return null;
        }
        var axes = inputs.Count > 3 && NodeValues.Input(node, 3) is not null ? inputs[3] : new IntTensor(DataType.Int64, [1], [0]);
        var steps = inputs.Count > 4 && NodeValues.Input(node, 4) is not null ? inputs[4] : new IntTensor(DataType.Int64, [1], [1]);
        if (axes is not { Values: [0 or -1] } || steps is not { Values: [var step] } || step == 0)
        {
            return null;
        }
        long dim = data.Values.Length;
        start = start < 0 ? start + dim : start;
        end = end < 0 ? end + dim : end;
        (start, end) = step > 0 ? (Math.Clamp(start, 0, dim), Math.Clamp(end, 0, dim)) : (Math.Clamp(start, 0, dim - 1), Math.Clamp(end, -1, dim - 1));
        var values = new List<long>();
        for (var i = start; step > 0 ? i < end : i > end; i += step)
        {
            values.Add(data.Values[i]);
        }
        return new IntTensor(data.ElemType, [values.Count], values.ToArray());
    }

    public static IntTensor? Concat(NodeProto node, IReadOnlyList<IntTensor?> inputs, ShapeInference shapes)
    {
        if (inputs.Count == 0 || inputs.Any(t => t is not { Rank: 1 } || t.ElemType != inputs[0]!.ElemType) || AttributeValues.Int(node, "axis", 0) is not (0 or -1))
        {
            return null;
        }
        var values = inputs.SelectMany(t => t!.Values).ToArray();
        return values.Length <= IntTensor.MaxElements ? new IntTensor(inputs[0]!.ElemType, [values.Length], values) : null;
    }

    public static IntTensor? Unsqueeze(NodeProto node, IReadOnlyList<IntTensor?> inputs, ShapeInference shapes)
    {
        if (inputs.Count == 0 || inputs[0] is not { } data || Axes(node, inputs) is not { Length: > 0 } axes)
        {
            return null;
        }
        var rank = data.Rank + axes.Length;
        var normalized = axes.Select(a => a < 0 ? a + rank : a).ToHashSet();
        if (normalized.Count != axes.Length || normalized.Any(a => a < 0 || a >= rank))
        {
            return null;
        }
        var dims = new long[rank];
        for (int axis = 0, source = 0; axis < rank; axis++)
        {
            dims[axis] = normalized.Contains(axis) ? 1 : data.Dims[source++];
        }
        return data with { Dims = dims };
    }

    public static IntTensor? Squeeze(NodeProto node, IReadOnlyList<IntTensor?> inputs, ShapeInference shapes)
    {
        if (inputs.Count == 0 || inputs[0] is not { } data)
        {
            return null;
        }
        var axes = Axes(node, inputs);
        if (axes is null && inputs.Count > 1 && NodeValues.Input(node, 1) is not null)
        {
            return null;
        }
        var removed = axes is null
            ? Enumerable.Range(0, data.Rank).Where(a => data.Dims[a] == 1).ToHashSet()
            : axes.Select(a => (int)(a < 0 ? a + data.Rank : a)).ToHashSet();
        if (removed.Any(a => a < 0 || a >= data.Rank || data.Dims[a] != 1))
        {
            return null;
        }
        return data with { Dims = data.Dims.Where((_, axis) => !removed.Contains(axis)).ToArray() };
    }

    /// <summary>Reshape with a constant target: 0 copies the input's dim (unless allowzero), one -1 takes the rest.</summary>
    public static IntTensor? Reshape(NodeProto node, IReadOnlyList<IntTensor?> inputs, ShapeInference shapes)
    {
        if (inputs is not [{ } data, { ElemType: DataType.Int64, Rank: 1 } target])
        {
            return null;
        }
        var allowZero = AttributeValues.Int(node, "allowzero", 0) != 0;
        var dims = target.Values.Select((d, axis) => d == 0 && !allowZero ? (axis < data.Rank ? data.Dims[axis] : -2) : d).ToArray();
        if (dims.Any(d => d < -1) || dims.Count(d => d == -1) > 1)
        {
            return null;
        }
        var known = IntTensor.CountOf(dims.Where(d => d != -1));
        if (dims.Contains(-1))
        {
            if (known == 0 || data.Values.Length % known != 0)
            {
                return null;
            }
            dims = dims.Select(d => d == -1 ? data.Values.Length / known : d).ToArray();
        }
        return IntTensor.CountOf(dims) == data.Values.Length ? data with { Dims = dims } : null;
    }

    /// <summary>Squeeze/Unsqueeze axes: the known second input (opset 13) or the attribute; null when neither.</summary>
    private static long[]? Axes(NodeProto node, IReadOnlyList<IntTensor?> inputs) =>
        inputs.Count > 1 && NodeValues.Input(node, 1) is not null
            ? inputs[1] is { ElemType: DataType.Int64, Rank: 1 } axes ? axes.Values : null
            : AttributeValues.Ints(node, "axes");
}
