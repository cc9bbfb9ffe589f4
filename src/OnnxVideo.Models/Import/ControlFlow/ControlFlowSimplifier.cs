using OnnxVideo.Onnx.Graphs;
using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Models.Import.ControlFlow;

/// <summary>
/// Rewrites the control flow that torch.onnx.export writes for shape-dependent Python into plain ops when the shapes
/// decide it: Loops with constant trip counts are unrolled, sequences with known elements resolved, Ifs with known
/// conditions folded. Shape inference and autodiff then see through them; the graph computes the same values.
/// </summary>
internal static class ControlFlowSimplifier
{
    /// <summary>Each pass can decide what the others left open (a folded If fixes a shape a later If tests).</summary>
    private const int MaxRounds = 4;

    /// <summary>Simplifies <paramref name="graph"/> in place; returns one note per kind of rewrite made, empty when none.</summary>
    public static IReadOnlyList<string> Simplify(GraphProto graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        if (!graph.Node.Any(n => n.OpType is "Loop" or "If" or "SequenceAt" or "SequenceLength" or "ConcatFromSequence"))
        {
            return [];
        }
        GraphRewrites.SortTopologically(graph);
        int loops = 0, sequences = 0, ifs = 0;
        for (var round = 0; round < MaxRounds; round++)
        {
            var l = LoopUnroller.Apply(graph);
            var s = SequenceResolver.Apply(graph);
            var i = IfFolder.Apply(graph);
            (loops, sequences, ifs) = (loops + l, sequences + s, ifs + i);
            if (l + s + i == 0)
            {
                break;
            }
        }
        var notes = new List<string>();
        if (loops > 0)
        {
            notes.Add($"unrolled {loops} Loop node(s) with a constant trip count (e.g. torch.tensor_split)");
        }
        if (sequences > 0)
        {
            notes.Add($"replaced {sequences} sequence read(s) by the tensors they return");
        }
        if (ifs > 0)
        {
            notes.Add($"folded {ifs} If node(s) whose condition the static shapes decide (e.g. squeeze of a dimension of size 1)");
        }
        return notes;
    }
}
