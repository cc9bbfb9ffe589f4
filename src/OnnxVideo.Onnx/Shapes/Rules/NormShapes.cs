using OnnxVideo.Onnx.Proto;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Onnx.Shapes.Rules;

/// <summary>Shape rules of normalisation ops (BatchNormalization's inference form is pointwise).</summary>
internal static class NormShapes
{
    /// <summary>Output like the input; mean and inverse standard deviation keep the leading axes, 1 from <c>axis</c> on.</summary>
    public static InferredValue?[] LayerNormalization(ShapeInference s, NodeProto node)
    {
        var xv = s.In(node, 0);
        var type = xv?.ElemType ?? DataType.Undefined;
        if (xv?.Shape is not { } x) return [new(type, null)];
        int axis = (int)AttributeValues.Int(node, "axis", -1);
        if (axis < 0) axis += x.Rank;
        var stats = new TensorShape(x.Dims.Select((d, i) => i < axis ? d : 1).ToArray());
        return [new(type, x), new(DataType.Float, stats), new(DataType.Float, stats)];
    }
}
