using OnnxVideo.Onnx.Proto;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Onnx.Shapes.Rules;

/// <summary>Shape rules of matrix products.</summary>
internal static class MatrixShapes
{
    public static InferredValue?[] MatMul(ShapeInference s, NodeProto node)
    {
        var (a, b) = (s.In(node, 0)?.Shape, s.In(node, 1)?.Shape);
        TensorShape? shape = null;
        if (a is not null && b is not null)
        {
            var a2 = a.Rank == 1 ? new TensorShape([1, a[0]]) : a;
            var b2 = b.Rank == 1 ? new TensorShape([b[0], 1]) : b;
            var batch = ShapeInference.Broadcast(new TensorShape(a2.Dims.Take(a2.Rank - 2).ToArray()), new TensorShape(b2.Dims.Take(b2.Rank - 2).ToArray()));
            var dims = batch.Dims.ToList();
            if (a.Rank > 1) dims.Add(a2[a2.Rank - 2]);
            if (b.Rank > 1) dims.Add(b2[b2.Rank - 1]);
            shape = new TensorShape(dims);
        }
        return [new(s.In(node, 0)?.ElemType ?? DataType.Undefined, shape)];
    }

    /// <summary>Gemm is 2-D whatever is known of its inputs' dims, so its rank is never lost.</summary>
    public static InferredValue?[] Gemm(ShapeInference s, NodeProto node)
    {
        var (a, b) = (s.In(node, 0)?.Shape, s.In(node, 1)?.Shape);
        var m = a is { Rank: 2 } ? a[AttributeValues.Int(node, "transA", 0) != 0 ? 1 : 0] : ShapeDim.Unknown;
        var n = b is { Rank: 2 } ? b[AttributeValues.Int(node, "transB", 0) != 0 ? 0 : 1] : ShapeDim.Unknown;
        return [new(s.In(node, 0)?.ElemType ?? DataType.Undefined, new TensorShape([m, n]))];
    }
}
