using OnnxVideo.Onnx.Proto;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Onnx.Graphs;

/// <summary>The tensor a Constant node outputs, whichever of its value attributes holds it.</summary>
internal static class ConstantNodes
{
    public static bool IsConstant(NodeProto node) => node is { OpType: "Constant", Domain: "" or "ai.onnx" };

    /// <summary>
    /// The value of a Constant node (<c>value</c>, <c>value_float(s)</c>, <c>value_int(s)</c>); null for other nodes
    /// and for string and sparse constants.
    /// </summary>
    public static TensorProto? Value(NodeProto node)
    {
        if (!IsConstant(node))
        {
            return null;
        }
        if (AttributeValues.Tensor(node, "value") is { } tensor)
        {
            return tensor;
        }
        if (AttributeValues.Find(node, "value_float") is not null)
        {
            var t = new TensorProto { DataType = (int)DataType.Float };
            t.FloatData.Add(AttributeValues.Float(node, "value_float", 0));
            return t;
        }
        if (AttributeValues.Find(node, "value_int") is not null)
        {
            var t = new TensorProto { DataType = (int)DataType.Int64 };
            t.Int64Data.Add(AttributeValues.Int(node, "value_int", 0));
            return t;
        }
        if (AttributeValues.Find(node, "value_floats") is not null)
        {
            var values = AttributeValues.Floats(node, "value_floats") ?? [];
            var t = new TensorProto { DataType = (int)DataType.Float };
            t.Dims.Add(values.Length);
            t.FloatData.AddRange(values);
            return t;
        }
        if (AttributeValues.Find(node, "value_ints") is not null)
        {
            var values = AttributeValues.Ints(node, "value_ints") ?? [];
            var t = new TensorProto { DataType = (int)DataType.Int64 };
            t.Dims.Add(values.Length);
            t.Int64Data.AddRange(values);
            return t;
        }
        return null;
    }
}
