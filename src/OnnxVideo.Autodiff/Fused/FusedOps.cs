using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Autodiff.Fused;

/// <summary>
/// Ops of OnnxVideo's own domain that exist only while a training graph is built: each has one gradient rule with a
/// closed-form backward (fewer full-size passes than differentiating its decomposition op by op), and
/// <see cref="Lower"/> replaces it by standard ONNX ops before any runtime sees the graph.
/// </summary>
internal static class FusedOps
{
    public const string Domain = "ai.onnxvideo.training";

    /// <summary>Rewrites every fused node of <paramref name="graph"/> into standard ops producing the same outputs.</summary>
    public static void Lower(GraphProto graph)
    {
        if (!graph.Node.Any(IsFused)) return;
        FusedBatchNormTraining.Lower(graph);
        var left = graph.Node.FirstOrDefault(IsFused);
        if (left is not null) throw new InvalidOperationException($"fused op '{left.OpType}' ({left.Name}) has no lowering");
    }

    public static bool IsFused(NodeProto node) => node.Domain == Domain;
}
