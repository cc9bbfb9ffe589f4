using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Onnx.Shapes.Rules;

/// <summary>Shape rules of normalisation ops (BatchNormalization's inference form is pointwise).</summary>
internal static class NormShapes
{
    /// <summary>Output like the input; mean and inverse standard deviation keep the leading axes, 1 from <c>axis</c> on.</summary>
    public static InferredValue?[] LayerNormalization(ShapeInference s, NodeProto node)
    {
        var xv = s.In(node, 0);
        int type = xv?.ElemType ?? 0;
        if (xv?.Shape is not { } x) return [new(type, null)];
        int axis = (int)AttributeValues.Int(node, "axis", -1);
        if (axis < 0) axis += x.Rank;
        var stats = new TensorShape(x.Dims.Select((d, i) => i < axis ? d : 1).ToArray());
        return [new(type, x), new(ElementTypes.Float, stats), new(ElementTypes.Float, stats)];
    }
}
