using OnnxVideo.Autodiff;
using OnnxVideo.Autodiff.Fused;
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
/// BatchNormalization in training mode: y = (x − μ_B)·scale/√(σ²_B + ε) + bias with μ_B, σ²_B over every axis but
/// channels, as one fused node whose gradient rule is the closed form (<see cref="FusedBatchNormTraining"/>; lowered
/// to standard ops once gradients are built, so every execution provider runs it), and the running statistics
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
            var xShape = shapes.ShapeOf(node.Input[0])
                ?? throw new TrainingPackageException(source, $"BatchNormalization '{node.Name}': the rank of its input is unknown, so it cannot train (use --batchnorm frozen)");
            if (node.Output.Count > 1 && node.Output.Skip(1).Any(o => o.Length > 0))
            {
                throw new TrainingPackageException(source, $"BatchNormalization '{node.Name}' already exposes training outputs");
            }
            var channels = graph.Initializer.First(t => t.Name == node.Input[3]).Dims.ToArray();
            var first = graph.Node.Count;
            Emit(builder, node, xShape, channels);
            var emitted = graph.Node.Count - first;
            var at = graph.Node.IndexOf(node);
            GraphRewrites.MoveAppendedNodes(graph, first, at);
            graph.Node.RemoveAt(at + emitted);
        }
    }

    private static void Emit(GraphBuilder g, NodeProto node, TensorShape xShape, long[] channelShape)
    {
        var (x, scale, bias, runningMean, runningVar) = (node.Input[0], node.Input[1], node.Input[2], node.Input[3], node.Input[4]);
        var momentum = AttributeValues.Float(node, "momentum", 0.9f);
        var prefix = node.Name.Length > 0 ? node.Name : node.Output[0];
        string Op(string op, params string[] inputs) => g.Node(op, inputs, name: $"{prefix}/train/{op}");
        string Constant(float value, string hint) => Initializers.Add(g, TensorProtos.FromFloats("", [value]), $"{prefix}/train/{hint}");

        var batch = FusedBatchNormTraining.Add(g, x, scale, bias, AttributeValues.Float(node, "epsilon", 1e-5f), xShape, DataType.Float, prefix);
        GraphRewrites.RenameValue(g.Graph, batch.Y, node.Output[0]);

        var count = Op("Div", g.Node("Cast", [Op("Size", x)], new Dictionary<string, object> { ["to"] = (long)DataType.Float }, name: $"{prefix}/train/Cast"),
            Constant(channelShape.Aggregate(1L, (a, b) => a * b), "channels"));
        var flat = Initializers.Int64s(g, $"{prefix}/train/flat", channelShape);
        var unbiased = Op("Div", count, Op("Sub", count, Constant(1f, "one")));
        string Blend(string running, string current) =>
            Op("Add", Op("Mul", running, Constant(momentum, "momentum")), Op("Mul", g.Node("Reshape", [current, flat], name: $"{prefix}/train/Reshape"), Constant(1f - momentum, "one_minus_momentum")));
        Expose(g, Blend(runningMean, batch.Mean), runningMean + OptimizerGraph.UpdatedSuffix, channelShape);
        Expose(g, Blend(runningVar, Op("Mul", batch.Variance, unbiased)), runningVar + OptimizerGraph.UpdatedSuffix, channelShape);
    }

    private static void Expose(GraphBuilder g, string value, string name, long[] shape)
    {
        GraphRewrites.RenameValue(g.Graph, value, name);
        g.Output(name, DataType.Float, shape.Select(d => (Dim)d).ToArray());
    }
}
