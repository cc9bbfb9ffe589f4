using OnnxVideo.Onnx.Proto;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Onnx.Shapes.Rules;

/// <summary>Shape rules of reductions over axes.</summary>
internal static class ReductionShapes
{
    public static InferredValue?[] Reduce(ShapeInference s, NodeProto node) => [new(s.In(node, 0)?.ElemType ?? DataType.Undefined, Reduced(s, node))];

    public static InferredValue?[] ArgReduce(ShapeInference s, NodeProto node) => [new(DataType.Int64, Reduced(s, node))];

    private static TensorShape? Reduced(ShapeInference s, NodeProto node)
    {
        if (s.In(node, 0)?.Shape is not { } x || s.ReduceAxes(node, x.Rank) is not { } axes) return null;
        bool keep = AttributeValues.Int(node, "keepdims", 1) != 0;
        var dims = new List<ShapeDim>();
        for (int i = 0; i < x.Rank; i++)
        {
            if (!axes.Contains(i)) dims.Add(x[i]);
            else if (keep) dims.Add(1);
        }
        return new TensorShape(dims);
    }
}
