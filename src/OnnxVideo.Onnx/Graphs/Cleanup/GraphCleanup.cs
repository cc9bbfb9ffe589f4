using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Onnx.Graphs.Cleanup;

/// <summary>
/// Graph-level clean-up of a generated graph (issue 17 lever 4): common subexpressions merged, shape arithmetic
/// folded to constants, then merged again (equal folded constants, and what reads them) and dead nodes and
/// initializers removed. Graph inputs and outputs keep their names, so the graph's interface does not change.
/// </summary>
internal static class GraphCleanup
{
    public static GraphCleanupReport Run(GraphProto graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var before = graph.Node.Count;
        GraphRewrites.SortTopologically(graph);
        var merged = CommonSubexpressions.Merge(graph);
        var folded = ShapeArithmeticFolding.Fold(graph);
        if (folded > 0)
        {
            merged += CommonSubexpressions.Merge(graph);
        }
        var (deadNodes, deadInitializers) = DeadNodes.Remove(graph);
        return new GraphCleanupReport(before, graph.Node.Count, merged, folded, deadNodes, deadInitializers);
    }
}
