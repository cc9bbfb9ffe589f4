using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Graphs;
using OnnxVideo.Onnx.Proto;
using OnnxVideo.Onnx.Shapes;

namespace OnnxVideo.Models.Compilation;

/// <summary>
/// Folds a frozen BatchNormalization (running statistics, inference form) into the Conv it follows when the Conv's
/// weight or the BatchNorm's scale or bias trains: y = Conv(x, W·s, (b − mean)·s + bias) with s = scale/√(var + ε)
/// per output channel, computed by nodes from the (trainable) tensors each step, where the Conv's output is larger
/// than its weight. ORT folds Conv + BatchNorm itself only when every tensor is a constant initializer; unfolded, a
/// trained step pays a full-size pass for the
/// BatchNorm forward, and its backward five more (dx, x̂ recomputed, g·x̂, two reductions) where the folded one
/// needs only Σg: the scale's gradient comes from the weight gradient, which the Conv computes anyway.
/// </summary>
internal static class FrozenBatchNormFolding
{
    /// <summary>Rewrites every eligible pair in place; returns how many BatchNorms were folded.</summary>
    public static int Rewrite(GraphProto graph, IReadOnlyCollection<string> trainable)
    {
        var trained = trainable.ToHashSet(StringComparer.Ordinal);
        var shapes = ShapeInference.Run(graph);
        var builder = GraphBuilder.Wrap(graph);
        var folded = 0;
        foreach (var bn in graph.Node.Where(n => n.OpType == "BatchNormalization" && n.Domain.Length == 0).ToList())
        {
            var view = new GraphView(graph);
            if (FoldableConv(view, bn, trained) is not { } conv || view.Initializer(conv.Input[1]) is not { } weight
                || !ActivationOutweighsWeight(shapes.ShapeOf(bn.Input[0]), weight))
            {
                continue;
            }
            var first = graph.Node.Count;
            Fold(builder, conv, bn, weight.Dims.Count);
            var at = graph.Node.IndexOf(conv);
            GraphRewrites.MoveAppendedNodes(graph, first, at);
            graph.Node.Remove(bn);
            folded++;
        }
        return folded;
    }

    /// <summary>
    /// The Conv whose only use is <paramref name="bn"/>'s input, when the BatchNorm is in inference form with constant
    /// statistics of [Cout] and something of the pair trains; otherwise null.
    /// </summary>
    private static NodeProto? FoldableConv(GraphView view, NodeProto bn, HashSet<string> trained)
    {
        if (bn.Input.Count != 5 || bn.Output.Count != 1 || AttributeValues.Int(bn, "training_mode", 0) != 0)
        {
            return null;
        }
        if (view.Initializer(bn.Input[3]) is not { Dims.Count: 1 } mean || view.Initializer(bn.Input[4]) is not { Dims.Count: 1 })
        {
            return null;
        }
        var conv = view.Producer(bn.Input[0]);
        if (conv is not { OpType: "Conv", Domain: "" } || view.Consumers(conv.Output[0]).Count != 1 || view.IsGraphOutput(conv.Output[0]))
        {
            return null;
        }
        var weight = view.Initializer(conv.Input[1]);
        if (weight is null || weight.Dims.Count < 3 || weight.Dims[0] != mean.Dims[0])
        {
            return null;
        }
        var pair = conv.Input.Skip(1).Concat(bn.Input.Skip(1).Take(2)).Where(i => i.Length > 0);
        return pair.Any(trained.Contains) ? conv : null;
    }

    /// <summary>
    /// The fold trades about six passes over the Conv's output for four over its weight (W·s, dW·s, Σ dW·W), so it
    /// pays where one sample's output per channel has at least as many elements as a filter (r3d_18's stem and
    /// layer1, not its layer3 and layer4, whose weights are larger than their activations).
    /// </summary>
    private static bool ActivationOutweighsWeight(TensorShape? output, TensorProto weight)
    {
        if (output is not { Rank: >= 3 } || !output.Dims.Skip(2).All(d => d.IsKnown))
        {
            return false;
        }
        var perChannel = output.Dims.Skip(2).Aggregate(1L, (p, d) => p * d.Value!.Value);
        return perChannel >= weight.Dims.Skip(1).Aggregate(1L, (p, d) => p * d);
    }

    private static void Fold(GraphBuilder g, NodeProto conv, NodeProto bn, int weightRank)
    {
        var (scale, bias, mean, variance) = (bn.Input[1], bn.Input[2], bn.Input[3], bn.Input[4]);
        var prefix = (bn.Name.Length > 0 ? bn.Name : bn.Output[0]) + "/folded";
        string Op(string op, params string[] inputs) => g.Node(op, inputs, name: $"{prefix}/{op}");
        var epsilon = g.Constant(AttributeValues.Float(bn, "epsilon", 1e-5f));
        var perChannel = Op("Mul", scale, Op("Reciprocal", Op("Sqrt", Op("Add", variance, epsilon))));
        var weight = Op("Mul", conv.Input[1], Op("Reshape", perChannel, g.Constant([-1, .. Enumerable.Repeat(1L, weightRank - 1)])));
        var shift = conv.Input.Count > 2 && conv.Input[2].Length > 0 ? Op("Sub", conv.Input[2], mean) : Op("Neg", mean);
        var foldedBias = Op("Add", Op("Mul", shift, perChannel), bias);
        while (conv.Input.Count < 3)
        {
            conv.Input.Add("");
        }
        conv.Input[1] = weight;
        conv.Input[2] = foldedBias;
        conv.Output[0] = bn.Output[0];
    }
}
