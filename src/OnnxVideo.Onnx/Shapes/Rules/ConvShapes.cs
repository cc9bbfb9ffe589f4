using OnnxVideo.Onnx.Proto;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Onnx.Shapes.Rules;

/// <summary>Shape rules of convolution and pooling.</summary>
internal static class ConvShapes
{
    /// <summary>Conv and the windowed pools; MaxPool's optional second output (indices) has the same shape.</summary>
    public static InferredValue?[] ConvOrPool(ShapeInference s, NodeProto node)
    {
        var x = s.In(node, 0);
        var shape = OutputShape(node, x?.Shape, s.In(node, 1)?.Shape);
        return [new(x?.ElemType ?? DataType.Undefined, shape), new(DataType.Int64, shape)];
    }

    public static InferredValue?[] GlobalPool(ShapeInference s, NodeProto node)
    {
        var x = s.In(node, 0);
        return [new(x?.ElemType ?? DataType.Undefined, x?.Shape is { } shape ? new TensorShape(shape.Dims.Select((d, i) => i < 2 ? d : 1).ToArray()) : null)];
    }

    private static TensorShape? OutputShape(NodeProto node, TensorShape? x, TensorShape? w)
    {
        if (x is null) return null;
        long[]? kernel = AttributeValues.Ints(node, "kernel_shape");
        bool isConv = node.OpType == "Conv";
        if (kernel is null && isConv && w is not null && w.Dims.Skip(2).All(d => d.IsKnown)) kernel = w.Dims.Skip(2).Select(d => d.Value!.Value).ToArray();
        if (kernel is null) return null;
        var channels = isConv ? (w is null ? ShapeDim.Unknown : w[0]) : x[1];
        var geometry = ConvGeometry.Compute(node, x, kernel, !isConv);
        var dims = new List<ShapeDim> { x[0], channels };
        for (int i = 0; i < kernel.Length; i++) dims.Add(geometry is null ? ShapeDim.Unknown : geometry[i].Out);
        return new TensorShape(dims);
    }
}
