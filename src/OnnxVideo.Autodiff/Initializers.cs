using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Autodiff;

/// <summary>Adds constant tensors to a graph under fresh names.</summary>
internal static class Initializers
{
    /// <summary>
    /// Names <paramref name="tensor"/> with the first unused "hint", "hint_1", … and adds it. (GraphBuilder.UniqueName
    /// reserves the name it returns, after which AddInitializer refuses it, so names are probed instead.)
    /// </summary>
    public static string Add(GraphBuilder graph, TensorProto tensor, string hint)
    {
        var name = hint;
        for (int i = 1; graph.IsNameUsed(name); i++) name = $"{hint}_{i}";
        tensor.Name = name;
        return graph.AddInitializer(tensor);
    }

    public static string Int64s(GraphBuilder graph, string hint, params long[] values)
    {
        var t = new TensorProto { DataType = (int)TensorProto.Types.DataType.Int64 };
        t.Dims.Add(values.Length);
        t.Int64Data.AddRange(values);
        return Add(graph, t, hint);
    }

    public static string Int64Scalar(GraphBuilder graph, string hint, long value)
    {
        var t = new TensorProto { DataType = (int)TensorProto.Types.DataType.Int64 };
        t.Int64Data.Add(value);
        return Add(graph, t, hint);
    }
}
