using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Autodiff.Optimizers;

/// <summary>A bool scalar initializer (Dropout's training_mode), which GraphBuilder has no helper for.</summary>
internal static class ScalarConstants
{
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
