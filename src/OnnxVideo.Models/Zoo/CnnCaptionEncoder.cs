using OnnxVideo.Media;
using static OnnxVideo.Models.Zoo.TransformerOps;

namespace OnnxVideo.Models.Zoo;

/// <summary>
/// A 3-D CNN as a captioner's encoder: its last feature map [C, T', H', W'] (before global pooling; BatchNorm as in the
/// classifier) read as T'·H'·W' tokens of C channels (<see cref="CaptionNames.EncoderTokens"/>, in T', H', W' order),
/// projected to the decoder width by a Linear layer, plus learned token positions (the projection and positions
/// are named under <c>decoder.</c>: they are new, so a frozen encoder still trains them).
/// </summary>
internal sealed class CnnCaptionEncoder(CaptionCnnEncoderConfig config) : ICaptionEncoder
{
    private readonly VideoCnn cnn = config.Resolve();

    public string Description => $"{cnn.Name} encoder (its last feature map as tokens, projected to width {config.Width})";
    public int DefaultFrames => cnn.DefaultFrames;
    public int DefaultSize => cnn.DefaultSize;
    public TensorLayout InputLayout => cnn.InputLayout;

    public long[] InputShape(int frames, int size) => cnn.InputShape(frames, size);

    public PreprocessingContract DefaultContract(int frames, int size) => cnn.DefaultContract(frames, size);

    public VideoCnn Cnn => cnn;

    public long MemoryTokens(int frames, int size) => cnn.MeasureFeatureMap(frames, size).Shape.Skip(1).Aggregate(1L, (a, d) => a * d);

    public ZooValue EncodeTokens(ZooGraph graph, ZooValue video)
    {
        var b = graph.Builder;
        var map = cnn.FeatureMap(graph, video);
        var channels = map.Channels;
        var count = map.Shape.Skip(1).Aggregate(1L, (a, d) => a * d);
        var flat = b.Node("Reshape", [map.Name, b.Constant([0, channels, -1])], name: "encoder.flatten");
        var tokens = b.Node("Transpose", [flat], Perm(0, 2, 1), CaptionNames.EncoderTokens);
        var projected = Linear(graph, tokens, CaptionNames.MemoryProjection, channels, config.Width, count, "decoder.memory_projected");
        var positions = graph.Parameter(CaptionNames.MemoryPositions, [count, config.Width], WeightInit);
        return new ZooValue(b.Node("Add", [projected, positions], name: "decoder.memory_placed"), [count, config.Width]);
    }
}
