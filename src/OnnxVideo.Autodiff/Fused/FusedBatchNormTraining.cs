using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Graphs;
using OnnxVideo.Onnx.Proto;
using OnnxVideo.Onnx.Shapes;

namespace OnnxVideo.Autodiff.Fused;

/// <summary>
/// Training-form BatchNormalization as one node while gradients are built: inputs (x, scale, bias), outputs
/// (y, batch mean, biased batch variance, x − μ, 1/√(var + ε)); statistics keep every axis as 1 but channels. Its rule
/// (<see cref="Rules.NormRules.BatchNormalizationTraining"/>) is the closed form; the lowering writes
/// y = (x − μ)·(rstd·scale) + bias with μ and σ² over every axis but channels. The rule reads x − μ rather than
/// x̂ = (x − μ)·rstd (its per-channel factors take rstd instead), so x̂ is never written out: one full-size pass fewer.
/// </summary>
internal static class FusedBatchNormTraining
{
    public const string OpType = "BatchNormalizationTraining";

    /// <summary>The five outputs of one fused node.</summary>
    public sealed record Outputs(string Y, string Mean, string Variance, string Centered, string InverseStd);

    /// <summary>Appends a fused node over <paramref name="x"/> (shape <paramref name="xShape"/>) and declares its outputs' shapes.</summary>
    public static Outputs Add(GraphBuilder g, string x, string scale, string bias, float epsilon, TensorShape xShape,
        TensorProto.Types.DataType type, string prefix)
    {
        var names = g.NodeMulti(OpType, [x, scale, bias], 5, new Dictionary<string, object> { ["epsilon"] = epsilon },
            name: $"{prefix}/train/{OpType}", domain: FusedOps.Domain);
        var stats = xShape.Dims.Select((d, i) => i == 1 ? d : (ShapeDim)1).ToArray();
        Declare(g.Graph, names[0], type, xShape.Dims);
        Declare(g.Graph, names[1], type, stats);
        Declare(g.Graph, names[2], type, stats);
        Declare(g.Graph, names[3], type, xShape.Dims);
        Declare(g.Graph, names[4], type, stats);
        return new Outputs(names[0], names[1], names[2], names[3], names[4]);
    }

    /// <summary>The axes the statistics reduce over: all but channels (axis 1).</summary>
    public static long[] ReducedAxes(int rank) => [0, .. Enumerable.Range(2, rank - 2).Select(a => (long)a)];

    public static void Lower(GraphProto graph)
    {
        var shapes = ShapeInference.Run(graph);
        var builder = GraphBuilder.Wrap(graph);
        foreach (var node in graph.Node.Where(n => n.Domain == FusedOps.Domain && n.OpType == OpType).ToList())
        {
            var first = graph.Node.Count;
            Emit(builder, node, shapes);
            var emitted = graph.Node.Count - first;
            var at = graph.Node.IndexOf(node);
            GraphRewrites.MoveAppendedNodes(graph, first, at);
            graph.Node.RemoveAt(at + emitted);
        }
    }

    private static void Emit(GraphBuilder g, NodeProto node, ShapeInference shapes)
    {
        var (x, scale, bias) = (node.Input[0], node.Input[1], node.Input[2]);
        var rank = shapes.ShapeOf(x)?.Rank ?? throw new InvalidOperationException($"{node.Name}: the rank of '{x}' is not known");
        var type = shapes.ElemTypeOf(x) is var t && t != TensorProto.Types.DataType.Undefined ? t : TensorProto.Types.DataType.Float;
        string Op(string op, params string[] inputs) => g.Node(op, inputs, name: $"{node.Name}/lowered/{op}");
        string Constant(double value) => Initializers.Add(g, ConstantTensors.Scalar("", value, type, rankZero: true), $"{node.Name}/lowered/const");
        var axes = Initializers.Int64s(g, $"{node.Name}/lowered/axes", ReducedAxes(rank));
        string Cast(string v) => g.Node("Cast", [v], new Dictionary<string, object> { ["to"] = (long)type }, name: $"{node.Name}/lowered/Cast");
        // ReduceSum takes its axes as an input from opset 13 on (ReduceMean only from 18).
        var inverseCount = Op("Div", Cast(Op("Size", scale)), Cast(Op("Size", x)));
        string Mean(string v) => Op("Mul", g.Node("ReduceSum", [v, axes], new Dictionary<string, object> { ["keepdims"] = 1L }, name: $"{node.Name}/lowered/ReduceSum"), inverseCount);
        var perChannel = Initializers.Int64s(g, $"{node.Name}/lowered/per_channel", [1, -1, .. Enumerable.Repeat(1L, rank - 2)]);
        string PerChannel(string v) => g.Node("Reshape", [v, perChannel], name: $"{node.Name}/lowered/Reshape");

        var mean = type == TensorProto.Types.DataType.Double ? Mean(x) : MeanInDouble(g, node.Name, x, scale, axes, type);
        var centered = Op("Sub", x, mean);
        var variance = Mean(Op("Mul", centered, centered));
        var inverseStd = Op("Reciprocal", Op("Sqrt", Op("Add", variance, Constant(AttributeValues.Float(node, "epsilon", 1e-5f)))));
        var y = Op("Add", Op("Mul", centered, Op("Mul", inverseStd, PerChannel(scale))), PerChannel(bias));
        string[] produced = [y, mean, variance, centered, inverseStd];
        for (int i = 0; i < produced.Length; i++)
            if (node.Output[i].Length > 0) GraphRewrites.RenameValue(g.Graph, produced[i], node.Output[i]);
    }

    /// <summary>
    /// The batch mean accumulated in double and rounded once, as PyTorch's CPU BatchNorm does. A channel whose values
    /// sit close to their mean (|μ| ≫ σ) turns each ulp of error in μ into a shift of x̂ = (x − μ)·rstd over the whole
    /// channel; float32 summation and the rounded 1/N left several ulps, which flipped weight-gradient signs in
    /// r2plus1d_18's layer4 (its statistics span 98 positions). The variance (a sum of squares, no cancellation) stays in float.
    /// </summary>
    private static string MeanInDouble(GraphBuilder g, string node, string x, string scale, string axes, TensorProto.Types.DataType type)
    {
        string Cast(string v, TensorProto.Types.DataType to) =>
            g.Node("Cast", [v], new Dictionary<string, object> { ["to"] = (long)to }, name: $"{node}/lowered/Cast");
        const TensorProto.Types.DataType Double = TensorProto.Types.DataType.Double;
        var sum = g.Node("ReduceSum", [Cast(x, Double), axes], new Dictionary<string, object> { ["keepdims"] = 1L }, name: $"{node}/lowered/ReduceSum");
        var count = Cast(g.Node("Div", [g.Node("Size", [x], name: $"{node}/lowered/Size"), g.Node("Size", [scale], name: $"{node}/lowered/Size")], name: $"{node}/lowered/Div"), Double);
        return Cast(g.Node("Div", [sum, count], name: $"{node}/lowered/Div"), type);
    }

    private static void Declare(GraphProto graph, string name, TensorProto.Types.DataType type, IEnumerable<ShapeDim> dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
        {
            shape.Dim.Add(d.Value is long v ? new TensorShapeProto.Types.Dimension { DimValue = v }
                : d.Symbol is { } s ? new TensorShapeProto.Types.Dimension { DimParam = s }
                : new TensorShapeProto.Types.Dimension());
        }
        graph.ValueInfo.Add(new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } } });
    }
}
