using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Export.Optimizers;

/// <summary>Scalar initializers with fresh names (float, and bool for Dropout's training_mode).</summary>
internal static class ScalarConstants
{
    public static string Float(GraphBuilder g, float value) =>
        g.AddInitializer(TensorProtos.FromFloats(FreeName(g, "const_f"), [value]));

    public static string True(GraphBuilder g) =>
        g.AddInitializer(new TensorProto
        {
            Name = FreeName(g, "const_true"),
            DataType = (int)TensorProto.Types.DataType.Bool,
            RawData = Google.Protobuf.ByteString.CopyFrom(1),
        });

    /// <summary>A name not yet used in the graph; AddInitializer then claims it.</summary>
    private static string FreeName(GraphBuilder g, string hint)
    {
        var name = hint;
        for (var i = 1; g.IsNameUsed(name); i++)
        {
            name = $"{hint}_{i}";
        }
        return name;
    }
}
