using OnnxVideo.Autodiff;
using OnnxVideo.Onnx.Shapes;
using OnnxVideo.Autodiff.Optimizers;
using OnnxVideo.Packaging.Optimizers;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Graphs;
using OnnxVideo.Onnx.Proto;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;
using OnnxVideo.Packaging;

namespace OnnxVideo.Models.Compilation;

/// <summary>
/// BatchNormalization in training mode, written with primitive ops so the autodiff rules of those ops give its exact
/// gradient (through the batch mean and variance) and every execution provider runs it:
/// y = (x − μ_B)·scale/√(σ²_B + ε) + bias with μ_B, σ²_B over every axis but channels, and the running statistics
/// updated as PyTorch does: running = momentum·running + (1 − momentum)·batch, with the unbiased batch variance
/// (ONNX's momentum attribute is PyTorch's 1 − momentum).
/// </summary>
internal static class BatchNormTraining
{
    /// <summary>
    /// The BatchNormalization nodes that train under <paramref name="mode"/>: all, none, or (Auto) those whose scale or
    /// bias is in <paramref name="trainable"/>. Nodes whose statistics are not initializers of their own are left alone.
    /// </summary>
    public static List<NodeProto> Select(GraphProto graph, BatchNormMode mode, IReadOnlyCollection<string> trainable)
    {
        var initializers = graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var uses = graph.Node.SelectMany(n => n.Input).Where(i => i.Length > 0).GroupBy(i => i, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var trained = trainable.ToHashSet(StringComparer.Ordinal);
        return graph.Node
            .Where(n => n.OpType == "BatchNormalization" && n.Input.Count == 5 && n.Output.Count >= 1)
            .Where(n => initializers.Contains(n.Input[3]) && initializers.Contains(n.Input[4]) && uses[n.Input[3]] == 1 && uses[n.Input[4]] == 1)
            .Where(n => mode == BatchNormMode.Train || (mode == BatchNormMode.Auto && (trained.Contains(n.Input[1]) || trained.Contains(n.Input[2]))))
            .ToList();
    }

    /// <summary>The running statistics of <paramref name="nodes"/> (mean, variance of each, in order).</summary>
    public static List<string> Statistics(IEnumerable<NodeProto> nodes) => nodes.SelectMany(n => new[] { n.Input[3], n.Input[4] }).ToList();

    /// <summary>
    /// Replaces each node by its training-mode form in place (same output name) and adds the outputs
    /// "&lt;statistic&gt;.updated" holding the next running mean and variance.
    /// </summary>
    public static void Rewrite(GraphProto graph, IReadOnlyList<NodeProto> nodes, string source)
    {
        if (nodes.Count == 0)
        {
            return;
        }
        var shapes = ShapeInference.Run(graph);
        var builder = GraphBuilder.Wrap(graph);
        foreach (var node in nodes)
        {
            var rank = shapes.ShapeOf(node.Input[0])?.Rank
                ?? throw new TrainingPackageException(source, $"BatchNormalization '{node.Name}': the rank of its input is unknown, so it cannot train (use --batchnorm frozen)");
            if (node.Output.Count > 1 && node.Output.Skip(1).Any(o => o.Length > 0))
            {
                throw new TrainingPackageException(source, $"BatchNormalization '{node.Name}' already exposes training outputs");
            }
            var channels = graph.Initializer.First(t => t.Name == node.Input[3]).Dims.ToArray();
            var first = graph.Node.Count;
            Emit(builder, node, rank, channels);
            var emitted = graph.Node.Count - first;
            var at = graph.Node.IndexOf(node);
            GraphRewrites.MoveAppendedNodes(graph, first, at);
            graph.Node.RemoveAt(at + emitted);
        }
    }

    private static void Emit(GraphBuilder g, NodeProto node, int rank, long[] channelShape)
    {
        var (x, scale, bias, runningMean, runningVar) = (node.Input[0], node.Input[1], node.Input[2], node.Input[3], node.Input[4]);
        var epsilon = AttributeValues.Float(node, "epsilon", 1e-5f);
        var momentum = AttributeValues.Float(node, "momentum", 0.9f);
        var prefix = node.Name.Length > 0 ? node.Name : node.Output[0];
        var axes = new List<long> { 0 };
        axes.AddRange(Enumerable.Range(2, rank - 2).Select(a => (long)a));
        var perChannel = new long[rank];
        Array.Fill(perChannel, 1L);
        perChannel[1] = -1;
        var keep = new Dictionary<string, object> { ["keepdims"] = 1L };
        string Op(string op, params string[] inputs) => g.Node(op, inputs, name: $"{prefix}/train/{op}");
        string Sum(string v) => g.Node("ReduceSum", [v, Initializers.Int64s(g, $"{prefix}/train/axes", [.. axes])], keep, name: $"{prefix}/train/ReduceSum");

        var count = Op("Div", g.Node("Cast", [Op("Size", x)], new Dictionary<string, object> { ["to"] = (long)DataType.Float }, name: $"{prefix}/train/Cast"),
            Initializers.Add(g, TensorProtos.FromFloats("", [channelShape.Aggregate(1L, (a, b) => a * b)]), $"{prefix}/train/channels"));
        var mean = Op("Div", Sum(x), count);
        var centered = Op("Sub", x, mean);
        var variance = Op("Div", Sum(Op("Mul", centered, centered)), count);
        var rstd = Op("Reciprocal", Op("Sqrt", Op("Add", variance, Initializers.Add(g, TensorProtos.FromFloats("", [epsilon]), $"{prefix}/train/epsilon"))));
        var shape = Initializers.Int64s(g, $"{prefix}/train/per_channel", perChannel);
        var factor = Op("Mul", rstd, g.Node("Reshape", [scale, shape], name: $"{prefix}/train/Reshape"));
        var y = Op("Add", Op("Mul", centered, factor), g.Node("Reshape", [bias, shape], name: $"{prefix}/train/Reshape"));
        GraphRewrites.RenameValue(g.Graph, y, node.Output[0]);

        var flat = Initializers.Int64s(g, $"{prefix}/train/flat", channelShape);
        var keepOld = Initializers.Add(g, TensorProtos.FromFloats("", [momentum]), $"{prefix}/train/momentum");
        var takeNew = Initializers.Add(g, TensorProtos.FromFloats("", [1f - momentum]), $"{prefix}/train/one_minus_momentum");
        var unbiased = Op("Div", count, Op("Sub", count, Initializers.Add(g, TensorProtos.FromFloats("", [1f]), $"{prefix}/train/one")));
        string Blend(string running, string batch) =>
            Op("Add", Op("Mul", running, keepOld), Op("Mul", g.Node("Reshape", [batch, flat], name: $"{prefix}/train/Reshape"), takeNew));
        Expose(g, Blend(runningMean, mean), runningMean + OptimizerGraph.UpdatedSuffix, channelShape);
        Expose(g, Blend(runningVar, Op("Mul", variance, unbiased)), runningVar + OptimizerGraph.UpdatedSuffix, channelShape);
    }

    private static void Expose(GraphBuilder g, string value, string name, long[] shape)
    {
        GraphRewrites.RenameValue(g.Graph, value, name);
        g.Output(name, DataType.Float, shape.Select(d => (Dim)d).ToArray());
    }
}
