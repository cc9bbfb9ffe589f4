using OnnxVideo.Media;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Testing;

/// <summary>
/// A tiny video classifier built in the test: Conv3d(3→4, k3, pad 1) → ReLU → mean over T,H,W → linear → logits,
/// with seeded random weights, dynamic batch, and optionally its contract in the metadata.
/// </summary>
public static class TinyVideoModel
{
    public static PreprocessingContract Contract { get; } = new()
    {
        Frames = 4,
        Sampling = SamplingMode.UniformSegments,
        TestClips = 2,
        TestCrops = 1,
        ResizeShortSide = 40,
        CropSize = 32,
        Labels = ["archery", "bowling", "cycling", "diving", "fencing"],
    };

    /// <param name="halfPrecisionIO">float16 input and logits around the same float32 body (Cast at both ends).</param>
    public static string Write(string path, PreprocessingContract? contractInMetadata, int seed = 7, bool halfPrecisionIO = false)
    {
        var c = Contract;
        int classes = c.Labels.Length;
        var rng = new Random(seed);
        float[] Random(int n, float scale) => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1) * scale).ToArray();
        var g = new GraphBuilder("tiny_video");
        var ioType = halfPrecisionIO ? TensorProto.Types.DataType.Float16 : TensorProto.Types.DataType.Float;
        var x = g.Input("video", ioType, "N", 3, c.Frames, c.CropSize, c.CropSize);
        if (halfPrecisionIO)
        {
            x = g.Node("Cast", [x], new Dictionary<string, object> { ["to"] = (long)TensorProto.Types.DataType.Float });
        }
        var w = g.Initializer("conv.weight", Random(4 * 3 * 27, 0.3f), 4, 3, 3, 3, 3);
        var b = g.Initializer("conv.bias", Random(4, 0.1f), 4);
        var conv = g.Node("Conv", [x, w, b], new Dictionary<string, object> { ["pads"] = new long[] { 1, 1, 1, 1, 1, 1 } });
        var relu = g.Node("Relu", [conv]);
        var pooled = g.Node("ReduceMean", [relu], new Dictionary<string, object> { ["axes"] = new long[] { 2, 3, 4 }, ["keepdims"] = 0L });
        var fcW = g.Initializer("fc.weight", Random(4 * classes, 2f), 4, classes);
        var fcB = g.Initializer("fc.bias", Random(classes, 0.2f), classes);
        var logits = g.Node("Add", [g.Node("MatMul", [pooled, fcW]), fcB]);
        if (halfPrecisionIO)
        {
            logits = g.Node("Cast", [logits], new Dictionary<string, object> { ["to"] = (long)TensorProto.Types.DataType.Float16 });
        }
        g.Output(logits, ioType, "N", classes);
        var model = OnnxModels.Create(g.Graph, opset: 17);
        if (contractInMetadata is not null)
        {
            ModelMetadata.Set(model, PreprocessingContract.MetadataKey, contractInMetadata.ToJson());
        }
        OnnxModelFile.Save(model, path);
        return path;
    }
}
