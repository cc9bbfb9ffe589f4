using OnnxVideo.Onnx.Proto;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Onnx.Shapes.Rules;

/// <summary>Shape rules of index-driven gathers, Einsum and If (whose branches declare their outputs).</summary>
internal static class IndexingShapes
{
    public static InferredValue?[] GatherElements(ShapeInference s, NodeProto node) =>
        [new(s.In(node, 0)?.ElemType ?? DataType.Undefined, s.In(node, 1)?.Shape)];

    /// <summary>indices[:-1] + data[batch_dims + m:], m the length of one index tuple (indices' last dim).</summary>
    public static InferredValue?[] GatherND(ShapeInference s, NodeProto node)
    {
        var (data, indices) = (s.In(node, 0)?.Shape, s.In(node, 1)?.Shape);
        TensorShape? shape = null;
        if (data is not null && indices is { Rank: > 0 } && indices[indices.Rank - 1].Value is long m)
        {
            int batchDims = (int)AttributeValues.Int(node, "batch_dims", 0);
            shape = new TensorShape(indices.Dims.Take(indices.Rank - 1).Concat(data.Dims.Skip(batchDims + (int)m)).ToArray());
        }
        return [new(s.In(node, 0)?.ElemType ?? DataType.Undefined, shape)];
    }

    /// <summary>Each output label takes its size from an operand; an ellipsis broadcasts; no arrow: implicit output.</summary>
    public static InferredValue?[] Einsum(ShapeInference s, NodeProto node) =>
        [new(s.In(node, 0)?.ElemType ?? DataType.Undefined, EinsumShape(s, node))];

    private static TensorShape? EinsumShape(ShapeInference s, NodeProto node)
    {
        var equation = AttributeValues.String(node, "equation")?.Replace(" ", "", StringComparison.Ordinal);
        if (equation is null) return null;
        var arrow = equation.IndexOf("->", StringComparison.Ordinal);
        var terms = (arrow < 0 ? equation : equation[..arrow]).Split(',');
        if (terms.Length != node.Input.Count) return null;
        var sizes = new Dictionary<char, ShapeDim>();
        var ellipsis = new TensorShape(Array.Empty<ShapeDim>());
        for (int i = 0; i < terms.Length; i++)
        {
            if (s.Get(node.Input[i])?.Shape is not { } shape) return null;
            int dots = terms[i].IndexOf("...", StringComparison.Ordinal);
            var labels = terms[i].Replace("...", "", StringComparison.Ordinal);
            int spanned = shape.Rank - labels.Length;
            if (spanned < 0 || (dots < 0 && spanned != 0)) return null;
            for (int j = 0; j < labels.Length; j++)
            {
                var dim = shape[dots >= 0 && j >= dots ? j + spanned : j];
                sizes[labels[j]] = sizes.TryGetValue(labels[j], out var seen) && !dim.IsKnown ? seen : dim;
            }
            if (dots >= 0) ellipsis = ShapeInference.Broadcast(ellipsis, new TensorShape(shape.Dims.Skip(dots).Take(spanned).ToArray()));
        }
        // Implicit output: the ellipsis, then the labels used once, in alphabetical order.
        var output = arrow >= 0 ? equation[(arrow + 2)..]
            : (equation.Contains("...", StringComparison.Ordinal) ? "..." : "") + new string(string.Concat(terms).Replace(".", "", StringComparison.Ordinal)
                .GroupBy(ch => ch).Where(g => g.Count() == 1).Select(g => g.Key).Order().ToArray());
        var dims = new List<ShapeDim>();
        for (int j = 0; j < output.Length; j++)
        {
            if (output.AsSpan(j).StartsWith("...")) { dims.AddRange(ellipsis.Dims); j += 2; }
            else if (sizes.TryGetValue(output[j], out var d)) dims.Add(d);
            else return null;
        }
        return new TensorShape(dims);
    }

    /// <summary>If: where both branches declare outputs of one rank, that rank (dims kept where both agree on a number).</summary>
    public static InferredValue?[] If(ShapeInference s, NodeProto node)
    {
        var then = AttributeValues.Find(node, "then_branch")?.G;
        var otherwise = AttributeValues.Find(node, "else_branch")?.G;
        if (then is null || otherwise is null || then.Output.Count != node.Output.Count || otherwise.Output.Count != node.Output.Count) return [];
        return node.Output.Select((_, i) =>
        {
            var (a, b) = (then.Output[i].Type?.TensorType, otherwise.Output[i].Type?.TensorType);
            var type = (DataType)(a?.ElemType ?? b?.ElemType ?? 0);
            if (a?.Shape is null || b?.Shape is null || a.Shape.Dim.Count != b.Shape.Dim.Count) return new InferredValue(type, null);
            var dims = a.Shape.Dim.Zip(b.Shape.Dim).Select(p => p.First.DimValue > 0 && p.First.DimValue == p.Second.DimValue ? (ShapeDim)p.First.DimValue : ShapeDim.Unknown);
            return (InferredValue?)new InferredValue(type, new TensorShape(dims.ToArray()));
        }).ToArray();
    }
}
