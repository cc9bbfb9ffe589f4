using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Export.Tests.PackageSupport;

/// <summary>Small classifiers built with the graph builder for tuning and packaging tests.</summary>
internal static class TinyModels
{
    /// <summary>
    /// video [N,3,2,4,4] → Conv3d(3→4, 1×1×1, bias) "conv" → BatchNormalization "bn" → Relu → GlobalAveragePool →
    /// Flatten → Gemm(transB) "fc1" [6,4] → Relu → MatMul "proj.weight" [6,5] + "proj.bias" → Gemm "head" [classes,5].
    /// </summary>
    public static ModelProto Mlp3d(int classes = 3, int seed = 1)
    {
        var random = new Random(seed);
        float[] R(int n, double scale = 0.5) => Enumerable.Range(0, n).Select(_ => (float)((random.NextDouble() * 2 - 1) * scale)).ToArray();
        var g = new GraphBuilder("tiny");
        var x = g.Input("video", DataType.Float, "N", 3, 2, 4, 4);
        var conv = g.Node("Conv", [x, g.Initializer("conv.weight", R(12), 4, 3, 1, 1, 1), g.Initializer("conv.bias", R(4), 4)]);
        var bn = g.Node("BatchNormalization", [conv,
            g.Initializer("bn.weight", R(4).Select(v => 1 + v * 0.2f).ToArray(), 4), g.Initializer("bn.bias", R(4), 4),
            g.Initializer("bn.running_mean", R(4, 0.1), 4), g.Initializer("bn.running_var", R(4).Select(v => 1 + Math.Abs(v)).ToArray(), 4)]);
        var pooled = g.Node("Flatten", [g.Node("GlobalAveragePool", [g.Node("Relu", [bn])])]);
        var fc1 = g.Node("Relu", [g.Node("Gemm", [pooled, g.Initializer("fc1.weight", R(24), 6, 4), g.Initializer("fc1.bias", R(6), 6)],
            new Dictionary<string, object> { ["transB"] = 1L })]);
        var proj = g.Node("Add", [g.Node("MatMul", [fc1, g.Initializer("proj.weight", R(30), 6, 5)]), g.Initializer("proj.bias", R(5), 5)]);
        var logits = g.Node("Gemm", [proj, g.Initializer("head.weight", R(classes * 5), classes, 5), g.Initializer("head.bias", R(classes), classes)],
            new Dictionary<string, object> { ["transB"] = 1L }, name: "logits");
        g.Output(logits, DataType.Float, "N", classes);
        return OnnxModels.Create(g.Graph, 17);
    }

    /// <summary>
    /// video [N,3,4,6,6] → two Conv3d 3×3×3 pad 1 (3→8 "conv1", 8→8 "conv2"), each followed by BatchNormalization and
    /// Relu → GlobalAveragePool → Flatten → Gemm "head" [classes,8]: stride-1 convolutions for LoRA.
    /// </summary>
    public static ModelProto Conv3dStack(int classes = 3, int seed = 1)
    {
        var random = new Random(seed);
        float[] R(int n, double scale = 0.5) => Enumerable.Range(0, n).Select(_ => (float)((random.NextDouble() * 2 - 1) * scale)).ToArray();
        var g = new GraphBuilder("conv_stack");
        var x = g.Input("video", DataType.Float, "N", 3, 4, 6, 6);
        var pads = new Dictionary<string, object> { ["pads"] = new long[] { 1, 1, 1, 1, 1, 1 } };
        foreach (var (name, cin) in new[] { ("conv1", 3), ("conv2", 8) })
        {
            var conv = g.Node("Conv", [x, g.Initializer(name + ".weight", R(8 * cin * 27), 8, cin, 3, 3, 3)], pads);
            x = g.Node("Relu", [g.Node("BatchNormalization", [conv,
                g.Initializer(name + ".bn.weight", R(8).Select(v => 1 + v * 0.2f).ToArray(), 8), g.Initializer(name + ".bn.bias", R(8), 8),
                g.Initializer(name + ".bn.running_mean", R(8, 0.1), 8), g.Initializer(name + ".bn.running_var", R(8).Select(v => 1 + Math.Abs(v)).ToArray(), 8)])]);
        }
        var pooled = g.Node("Flatten", [g.Node("GlobalAveragePool", [x])]);
        var logits = g.Node("Gemm", [pooled, g.Initializer("head.weight", R(classes * 8), classes, 8), g.Initializer("head.bias", R(classes), classes)],
            new Dictionary<string, object> { ["transB"] = 1L }, name: "logits");
        g.Output(logits, DataType.Float, "N", classes);
        return OnnxModels.Create(g.Graph, 17);
    }
}
