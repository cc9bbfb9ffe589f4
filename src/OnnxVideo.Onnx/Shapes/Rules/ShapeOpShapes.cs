using OnnxVideo.Onnx.Graphs;
using OnnxVideo.Onnx.Proto;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Onnx.Shapes.Rules;

/// <summary>Shape rules of the ops that compute shapes and indices; their small integer results are propagated.</summary>
internal static class ShapeOpShapes
{
    public static InferredValue?[] Shape(ShapeInference s, NodeProto node)
    {
        if (s.In(node, 0)?.Shape is not { } x) return [new(DataType.Int64, null)];
        long start = AttributeValues.Int(node, "start", 0), end = AttributeValues.Int(node, "end", x.Rank);
        if (start < 0) start += x.Rank;
        if (end < 0) end += x.Rank;
        start = Math.Clamp(start, 0, x.Rank);
        end = Math.Clamp(end, start, x.Rank);
        var dims = x.Dims.Skip((int)start).Take((int)(end - start)).ToArray();
        return [new(DataType.Int64, new TensorShape(dims.Length), dims)];
    }

    public static InferredValue?[] Size(ShapeInference s, NodeProto node) =>
        [new(DataType.Int64, new TensorShape(), s.In(node, 0)?.Shape is { } x ? [ShapeInference.Product(x.Dims)] : null)];

    /// <summary>The output's rank is the shape input's length, known statically even when its elements are not.</summary>
    public static InferredValue?[] ConstantOfShape(ShapeInference s, NodeProto node)
    {
        var valueType = AttributeValues.Tensor(node, "value") is { } value ? (DataType)value.DataType : DataType.Float;
        return [new(valueType, ShapeInference.ShapeFromShapeInput(s.In(node, 0)))];
    }

    public static InferredValue?[] OneHot(ShapeInference s, NodeProto node)
    {
        TensorShape? shape = null;
        if (s.In(node, 0)?.Shape is { } indices && s.ConstantInts(node.Input[1]) is [var depth])
        {
            long axis = AttributeValues.Int(node, "axis", -1);
            if (axis < 0) axis += indices.Rank + 1;
            var dims = indices.Dims.ToList();
            dims.Insert((int)axis, depth);
            shape = new TensorShape(dims);
        }
        return [new(s.In(node, 2)?.ElemType ?? DataType.Undefined, shape)];
    }

    public static InferredValue?[] Range(ShapeInference s, NodeProto node)
    {
        double? Scalar(int i) => s.ConstantOf(node.Input[i]) is { } t && ConstantTensors.ToDoubles(t) is [var v] ? v : null;
        var length = Scalar(0) is double start && Scalar(1) is double limit && Scalar(2) is double delta && delta != 0
            ? (ShapeDim)(long)Math.Max(0, Math.Ceiling((limit - start) / delta))
            : ShapeDim.Unknown;
        return [new(s.In(node, 0)?.ElemType ?? DataType.Undefined, new TensorShape([length]))];
    }

    public static InferredValue?[] NonZero(ShapeInference s, NodeProto node) =>
        [new(DataType.Int64, s.In(node, 0)?.Shape is { } x ? new TensorShape([x.Rank, ShapeDim.Unknown]) : null)];
}
