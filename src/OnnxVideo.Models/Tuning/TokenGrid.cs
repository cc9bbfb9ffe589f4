using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;
using OnnxVideo.Onnx.Shapes;

namespace OnnxVideo.Models.Tuning;

/// <summary>
/// Where a video transformer's patch tokens sit in its sequence: <see cref="Prefix"/> tokens first ([CLS]), then the
/// T×H×W grid of the 3-D patch embedding in (t, h, w) order (as flatten(2) of its output), then any prompt tokens.
/// </summary>
internal sealed record TokenGrid(long Prefix, long Frames, long Positions)
{
    /// <summary>The grid of the first 3-D convolution producing [N, width, T, H, W] for a sequence [N, L, width].</summary>
    public static TokenGrid Find(GraphProto graph, string sequence, long width, string spec, string source)
    {
        var shapes = ShapeInference.Run(graph);
        var length = shapes.ShapeOf(sequence) is { Rank: 3 } s && s[1].Value is { } l ? l : (long?)null;
        foreach (var conv in graph.Node.Where(n => n.OpType == "Conv"))
        {
            if (shapes.ShapeOf(conv.Output[0]) is { Rank: 5 } o && o[1].Value == width &&
                o[2].Value is { } t && o[3].Value is { } h && o[4].Value is { } w && length is { } count && count >= t * h * w)
            {
                return new TokenGrid(count - t * h * w, t, h * w);
            }
        }
        throw new TuningSpecException(spec, $"temporal adapters on a transformer need its patch grid, and {source} has no 3-D patch " +
            $"embedding [N, {width}, T, H, W] whose tokens make up its sequence of static length");
    }

    /// <summary>The depthwise temporal convolution on the patch tokens of [N, L, channels]; other tokens pass unchanged.</summary>
    public string TemporalConv(GraphBuilder g, string z, long channels, string weight, string bias, int promptTokens, string name)
    {
        var end = Prefix + Frames * Positions;
        var patches = g.Node("Slice", [z, g.Constant([Prefix]), g.Constant([end]), g.Constant([1L])], name: name + ".patches");
        var grid = g.Node("Reshape", [patches, g.Constant([0, Frames, Positions, channels])], name: name + ".grid");
        var ncth = g.Node("Transpose", [grid], Perm(0, 3, 1, 2), name + ".channels_first");
        var conv = AdapterInjector.TemporalConv(g, ncth, channels, weight, bias, [1, 0, 1, 0], name);
        var back = g.Node("Reshape", [g.Node("Transpose", [conv], Perm(0, 2, 3, 1), name + ".channels_last"),
            g.Constant([0, Frames * Positions, channels])], name: name + ".tokens");
        var parts = new List<string>();
        if (Prefix > 0)
        {
            parts.Add(g.Node("Slice", [z, g.Constant([0L]), g.Constant([Prefix]), g.Constant([1L])], name: name + ".prefix"));
        }
        parts.Add(back);
        if (promptTokens > 0)
        {
            parts.Add(g.Node("Slice", [z, g.Constant([end]), g.Constant([end + promptTokens]), g.Constant([1L])], name: name + ".prompts"));
        }
        return parts.Count == 1 ? back : g.Node("Concat", parts, new Dictionary<string, object> { ["axis"] = 1L }, name + ".joined");
    }

    private static Dictionary<string, object> Perm(params long[] perm) => new() { ["perm"] = perm };
}
