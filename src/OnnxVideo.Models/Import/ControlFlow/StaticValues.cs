using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Graphs;
using OnnxVideo.Onnx.Proto;
using OnnxVideo.Onnx.Shapes;

namespace OnnxVideo.Models.Import.ControlFlow;

/// <summary>Small integer and boolean values known before run time: constants, and what shape inference propagates.</summary>
internal sealed class StaticValues(GraphView view, ShapeInference? shapes)
{
    public static bool IsDefaultDomain(NodeProto node) => node.Domain is "" or "ai.onnx";

    /// <summary>Shape inference of <paramref name="graph"/> (nodes in topological order), or null where it fails.</summary>
    public static ShapeInference? TryInferShapes(GraphProto graph)
    {
        try
        {
            return ShapeInference.Run(graph);
        }
        catch (ShapeInferenceException)
        {
            return null;
        }
    }

    /// <summary>The elements of an integer value, when all are known.</summary>
    public long[]? Ints(string name)
    {
        if (view.Constant(name) is { } constant)
        {
            return ConstantTensors.ToInt64s(constant);
        }
        var elements = shapes?.Get(name)?.IntElements;
        return elements is null || elements.Any(d => d.Value is null) ? null : elements.Select(d => d.Value!.Value).ToArray();
    }

    /// <summary>The single element of a one-element boolean (or integer) value, when known.</summary>
    public bool? Bool(string name)
    {
        if (view.Constant(name) is { } constant)
        {
            return BoolOf(constant);
        }
        var node = view.Producer(name);
        if (node is null || !IsDefaultDomain(node))
        {
            return null;
        }
        switch (node.OpType)
        {
            case "Identity" or "Squeeze" or "Reshape" or "Unsqueeze":
                return Bool(node.Input[0]);
            case "Cast" when AttributeValues.Int(node, "to", 0) == (int)TensorProto.Types.DataType.Bool:
                return Bool(node.Input[0]) ?? (Ints(node.Input[0]) is [var n] ? n != 0 : null);
            case "Not":
                return !Bool(node.Input[0]);
            case "And":
                return Bool(node.Input[0]) is { } a && Bool(node.Input[1]) is { } b ? a && b : null;
            case "Or":
                return Bool(node.Input[0]) is { } p && Bool(node.Input[1]) is { } q ? p || q : null;
            case "Equal" or "Greater" or "Less" or "GreaterOrEqual" or "LessOrEqual":
                if (Ints(node.Input[0]) is not [var x] || Ints(node.Input[1]) is not [var y])
                {
                    return null;
                }
                return node.OpType switch
                {
                    "Equal" => x == y,
                    "Greater" => x > y,
                    "Less" => x < y,
                    "GreaterOrEqual" => x >= y,
                    _ => x <= y,
                };
            default:
                return null;
        }
    }

    /// <summary>The single element of a one-element tensor as a boolean; null for other sizes.</summary>
    public static bool? BoolOf(TensorProto t) => Bools(t) is [var b] ? b : null;

    private static bool[]? Bools(TensorProto t)
    {
        if (t.DataType != (int)TensorProto.Types.DataType.Bool)
        {
            return ConstantTensors.ToInt64s(t)?.Select(v => v != 0).ToArray();
        }
        return t.Int32Data.Count > 0 ? t.Int32Data.Select(v => v != 0).ToArray() : t.RawData.Select(b => b != 0).ToArray();
    }
}
