using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Graphs;
using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Models.Import.ControlFlow;

/// <summary>
/// Unrolls Loop nodes whose trip count is a constant and whose condition stays true into one copy of the body per
/// iteration. torch.onnx.export writes <c>torch.tensor_split</c> as such a Loop collecting slices into a sequence;
/// unrolled, the slices are plain Slice nodes whose shapes inference and autodiff can follow.
/// </summary>
internal static class LoopUnroller
{
    /// <summary>Longer loops stay as they are: unrolling is meant for the few slices of a split, not for real loops.</summary>
    private const long MaxIterations = 64;

    /// <summary>Unrolls every eligible Loop of <paramref name="graph"/>; returns how many.</summary>
    public static int Apply(GraphProto graph)
    {
        if (!graph.Node.Any(n => n.OpType == "Loop"))
        {
            return 0;
        }
        var values = new StaticValues(new GraphView(graph), StaticValues.TryInferShapes(graph));
        var builder = GraphBuilder.Wrap(graph);
        var unrolled = 0;
        for (var k = 0; k < graph.Node.Count; k++)
        {
            var loop = graph.Node[k];
            if (loop.OpType != "Loop" || !StaticValues.IsDefaultDomain(loop) || AttributeValues.Find(loop, "body")?.G is not { } body
                || Iterations(values, loop) is not { } iterations || !IsUnrollable(values, loop, body))
            {
                continue;
            }
            var nodes = Unroll(builder, loop, body, iterations);
            SubgraphInliner.Replace(graph, k, nodes);
            k += nodes.Count - 1;
            unrolled++;
        }
        return unrolled;
    }

    private static long? Iterations(StaticValues values, NodeProto loop)
    {
        if (NodeValues.Input(loop, 0) is not { } tripCount || values.Ints(tripCount) is not [var trips] || trips is < 0 or > MaxIterations)
        {
            return null;
        }
        return NodeValues.Input(loop, 1) is not { } condition || values.Bool(condition) == true ? trips : null;
    }

    /// <summary>
    /// Loop-carried values only (no scan outputs), a body without nested subgraphs, and a condition output that is
    /// always true: the body's condition input passed on, or a constant true.
    /// </summary>
    private static bool IsUnrollable(StaticValues values, NodeProto loop, GraphProto body)
    {
        var carried = loop.Input.Count - 2;
        if (body.Input.Count != carried + 2 || body.Output.Count != carried + 1 || loop.Output.Count > carried || !SubgraphInliner.IsFlat(body))
        {
            return false;
        }
        var condition = body.Output[0].Name;
        var bodyProducers = body.Node.SelectMany(n => n.Output.Select(o => (o, n))).ToDictionary(p => p.o, p => p.n, StringComparer.Ordinal);
        for (var depth = 0; depth < 8; depth++)
        {
            if (condition == body.Input[1].Name)
            {
                return true;
            }
            if (!bodyProducers.TryGetValue(condition, out var producer))
            {
                return body.Initializer.All(t => t.Name != condition) && values.Bool(condition) == true;
            }
            if (producer.OpType == "Identity")
            {
                condition = producer.Input[0];
                continue;
            }
            return producer.OpType == "Constant" && ConstantNodes.Value(producer) is { } t && StaticValues.BoolOf(t) == true;
        }
        return false;
    }

    private static List<NodeProto> Unroll(GraphBuilder builder, NodeProto loop, GraphProto body, long iterations)
    {
        var carried = loop.Input.Skip(2).ToArray();
        var nodes = new List<NodeProto>();
        // The iteration number as the body declares it: torch declares [1], ONNX's default is a scalar.
        var declared = body.Input[0].Type?.TensorType?.Shape?.Dim;
        long[] iterationDims = declared is { Count: > 0 } && declared.All(d => d.DimValue == 1) ? [.. declared.Select(_ => 1L)] : [];
        var alwaysTrue = AddInitializer(builder, new TensorProto
        {
            Name = builder.UniqueName(loop.Name + "/condition"), DataType = (int)TensorProto.Types.DataType.Bool, Int32Data = { 1 },
        });
        for (long i = 0; i < iterations; i++)
        {
            var iteration = AddInitializer(builder, TensorProtos.FromInt64s(builder.UniqueName($"{loop.Name}/iteration{i}"), [i], iterationDims));
            var inputs = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [body.Input[0].Name] = iteration,
                [body.Input[1].Name] = alwaysTrue,
            };
            for (var j = 0; j < carried.Length; j++)
            {
                inputs[body.Input[2 + j].Name] = carried[j];
            }
            var (copies, outputs) = SubgraphInliner.Inline(builder, body, inputs, $"/iteration{i}");
            nodes.AddRange(copies);
            carried = outputs.Skip(1).ToArray();
        }
        for (var j = 0; j < loop.Output.Count; j++)
        {
            if (loop.Output[j].Length > 0)
            {
                nodes.Add(SubgraphInliner.Identity(carried[j], loop.Output[j], $"{loop.Name}/result{j}"));
            }
        }
        return nodes;
    }

    /// <summary>Adds a tensor whose name <see cref="GraphBuilder.UniqueName"/> already reserved.</summary>
    private static string AddInitializer(GraphBuilder builder, TensorProto tensor)
    {
        builder.Graph.Initializer.Add(tensor);
        return tensor.Name;
    }
}
