using OnnxVideo.Onnx.Graphs;
using OnnxVideo.Onnx.Proto;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Onnx.Shapes.Rules;

/// <summary>Shape rules of pointwise functions, broadcasting arithmetic and comparisons.</summary>
internal static class ElementwiseShapes
{
    public static InferredValue?[] SameAsInput(ShapeInference s, NodeProto node) => [s.In(node, 0) is { } x ? x with { IntElements = null } : null];

    public static InferredValue?[] Identity(ShapeInference s, NodeProto node) => [s.In(node, 0)];

    public static InferredValue?[] Dropout(ShapeInference s, NodeProto node)
    {
        var x = s.In(node, 0);
        return [new(x?.ElemType ?? DataType.Undefined, x?.Shape), new(DataType.Bool, x?.Shape)];
    }

    public static InferredValue?[] BooleanOfInput(ShapeInference s, NodeProto node) => [new(DataType.Bool, s.In(node, 0)?.Shape)];

    public static InferredValue?[] Cast(ShapeInference s, NodeProto node)
    {
        var x = s.In(node, 0);
        var to = (DataType)AttributeValues.Int(node, "to", 0);
        return [new(to, x?.Shape, to == DataType.Int64 ? x?.IntElements : null)];
    }

    public static InferredValue?[] Arithmetic(ShapeInference s, NodeProto node) =>
        [new(s.In(node, 0)?.ElemType ?? DataType.Undefined, ShapeInference.BroadcastAll(node.Input.Select(s.Get)), IntegerArithmetic(s, node))];

    public static InferredValue?[] Comparison(ShapeInference s, NodeProto node) =>
        [new(DataType.Bool, ShapeInference.BroadcastAll(node.Input.Select(s.Get)))];

    public static InferredValue?[] Where(ShapeInference s, NodeProto node) =>
        [new(s.In(node, 1)?.ElemType ?? DataType.Undefined, ShapeInference.BroadcastAll(node.Input.Select(s.Get)))];

    /// <summary>Elements of Add/Sub/Mul/Div over propagated small integer tensors (shape arithmetic).</summary>
    private static IReadOnlyList<ShapeDim>? IntegerArithmetic(ShapeInference s, NodeProto node)
    {
        if (node.Input.Count != 2 || s.In(node, 0)?.IntElements is not { } a || s.In(node, 1)?.IntElements is not { } b) return null;
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
}
