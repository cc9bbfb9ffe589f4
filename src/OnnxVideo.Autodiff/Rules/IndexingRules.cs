using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Autodiff.Rules;

/// <summary>
/// Gradients of index-driven gathers and scatters. A gather's gradient scatter-adds into zeros (repeated indices sum);
/// a scatter's passes the gradient on to the data where nothing was written and gathers it for the updates. With
/// reduction "none", indices are taken to be distinct, as ONNX requires for a defined result.
/// </summary>
internal static class IndexingRules
{
    private static readonly Dictionary<string, object> Add = new() { ["reduction"] = "add" };

    public static string?[] GatherND(GradientContext c, NodeProto n, IReadOnlyList<string?> dy)
    {
        if (AttributeValues.Int(n, "batch_dims", 0) != 0) throw c.Fail("GatherND with batch_dims > 0 is not supported");
        return [c.Op("ScatterND", [c.ZerosLike(n.Input[0]), n.Input[1], dy[0]!], Add), null];
    }

    public static string?[] GatherElements(GradientContext c, NodeProto n, IReadOnlyList<string?> dy)
    {
        var attributes = new Dictionary<string, object>(Add) { ["axis"] = AttributeValues.Int(n, "axis", 0) };
        return [c.Op("ScatterElements", [c.ZerosLike(n.Input[0]), n.Input[1], dy[0]!], attributes), null];
    }

    /// <summary>Written positions get no gradient from the output (reduction "none"); the updates get theirs.</summary>
    public static string?[] ScatterND(GradientContext c, NodeProto n, IReadOnlyList<string?> dy)
    {
        var (indices, g) = (n.Input[1], dy[0]!);
        var replaces = Reduction(c, n);
        var data = !c.NeedsGradient(0) ? null : replaces ? c.Op("ScatterND", g, indices, c.ZerosLike(n.Input[2])) : g;
        var updates = c.NeedsGradient(2) ? c.Op("GatherND", g, indices) : null;
        return [data, null, updates];
    }

    public static string?[] ScatterElements(GradientContext c, NodeProto n, IReadOnlyList<string?> dy)
    {
        var (indices, g) = (n.Input[1], dy[0]!);
        var axis = new Dictionary<string, object> { ["axis"] = AttributeValues.Int(n, "axis", 0) };
        var replaces = Reduction(c, n);
        var data = !c.NeedsGradient(0) ? null : replaces ? c.Op("ScatterElements", [g, indices, c.ZerosLike(n.Input[2])], axis) : g;
        var updates = c.NeedsGradient(2) ? c.Op("GatherElements", [g, indices], axis) : null;
        return [data, null, updates];
    }

    /// <summary>True for reduction "none" (the updates replace the data), false for "add"; others have no rule.</summary>
    private static bool Reduction(GradientContext c, NodeProto n) => AttributeValues.String(n, "reduction", "none") switch
    {
        "none" => true,
        "add" => false,
        var other => throw c.Fail($"reduction '{other}' is not differentiable here (only 'none' and 'add')"),
    };
}
