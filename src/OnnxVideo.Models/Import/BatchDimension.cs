using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Graphs;
using OnnxVideo.Onnx.Proto;
using Dimension = OnnxVideo.Onnx.Proto.TensorShapeProto.Types.Dimension;

namespace OnnxVideo.Models.Import;

/// <summary>
/// Makes a graph exported with a fixed batch size run with any batch: the inputs' first dimension becomes symbolic,
/// outputs whose first dimension was the same size follow, Reshape target shapes that spell the batch size as their
/// first entry copy it from their input instead (0 in ONNX Reshape), and stale intermediate shapes are dropped.
/// </summary>
internal static class BatchDimension
{
    /// <summary>Returns notes on what was changed; none when every input already had a symbolic batch.</summary>
    public static IReadOnlyList<string> MakeSymbolic(GraphProto graph, string symbol)
    {
        var initializerNames = graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var fixedSizes = new HashSet<long>();
        var notes = new List<string>();
        foreach (var input in graph.Input.Where(i => !initializerNames.Contains(i.Name)))
        {
            if (FirstDim(input) is { ValueCase: Dimension.ValueOneofCase.DimValue } d)
            {
                fixedSizes.Add(d.DimValue);
                notes.Add($"input '{input.Name}': batch dimension {d.DimValue} made symbolic '{symbol}'");
                d.DimParam = symbol;
            }
        }
        if (fixedSizes.Count != 1)
        {
            return notes;
        }
        var batch = fixedSizes.Single();
        foreach (var output in graph.Output)
        {
            if (FirstDim(output) is { ValueCase: Dimension.ValueOneofCase.DimValue } d && d.DimValue == batch)
            {
                d.DimParam = symbol;
            }
        }
        var rewritten = RewriteReshapes(graph, batch);
        if (rewritten > 0)
        {
            notes.Add($"{rewritten} Reshape node(s) with a literal batch of {batch} now copy the batch from their input");
        }
        graph.ValueInfo.Clear();
        return notes;
    }

    private static int RewriteReshapes(GraphProto graph, long batch)
    {
        var index = new GraphView(graph);
        var count = 0;
        foreach (var node in graph.Node.Where(n => n.OpType == "Reshape" && n.Domain is "" or "ai.onnx" && n.Input.Count == 2).ToList())
        {
            if (AttributeValues.Int(node, "allowzero", 0) != 0 || index.Constant(node.Input[1]) is not { } shapeTensor)
            {
                continue;
            }
            var shape = TensorProtos.ToInt64s(shapeTensor);
            if (shape.Length < 2 || shape[0] != batch)
            {
                continue;
            }
            shape[0] = 0;
            var old = node.Input[1];
            var name = UniqueInitializerName(graph, old + ".symbolic_batch");
            graph.Initializer.Add(TensorProtos.FromInt64s(name, shape, shape.Length));
            node.Input[1] = name;
            RemoveIfUnused(graph, old);
            count++;
        }
        return count;
    }

    private static void RemoveIfUnused(GraphProto graph, string value)
    {
        if (graph.Node.Any(n => n.Input.Contains(value)) || graph.Output.Any(o => o.Name == value))
        {
            return;
        }
        var initializer = graph.Initializer.FirstOrDefault(t => t.Name == value);
        if (initializer is not null)
        {
            graph.Initializer.Remove(initializer);
            // IR < 4 models also list initializers as graph inputs.
            var asInput = graph.Input.FirstOrDefault(i => i.Name == value);
            if (asInput is not null)
            {
                graph.Input.Remove(asInput);
            }
        }
        var constant = graph.Node.FirstOrDefault(n => n.OpType == "Constant" && n.Output.Count == 1 && n.Output[0] == value);
        if (constant is not null)
        {
            graph.Node.Remove(constant);
        }
    }

    private static string UniqueInitializerName(GraphProto graph, string hint)
    {
        var used = graph.Initializer.Select(t => t.Name).Concat(graph.Node.SelectMany(n => n.Output)).ToHashSet(StringComparer.Ordinal);
        var name = hint;
        for (var i = 1; used.Contains(name); i++)
        {
            name = $"{hint}_{i}";
        }
        return name;
    }

    private static Dimension? FirstDim(ValueInfoProto info) =>
        info.Type?.TensorType?.Shape is { Dim.Count: > 0 } shape ? shape.Dim[0] : null;
}
