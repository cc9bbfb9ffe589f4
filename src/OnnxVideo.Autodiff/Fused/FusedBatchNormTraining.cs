using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Graphs;
using OnnxVideo.Onnx.Proto;
using OnnxVideo.Onnx.Shapes;

namespace OnnxVideo.Autodiff.Fused;

/// <summary>
/// Training-form BatchNormalization as one node while gradients are built: inputs (x, scale, bias), outputs
/// (y, batch mean, biased batch variance, x̂, 1/√(var + ε)); statistics keep every axis as 1 but channels. Its rule
/// (<see cref="Rules.NormRules.BatchNormalizationTraining"/>) is the closed form; the lowering writes
/// x̂ = (x − μ)·rstd, y = (x − μ)·(scale·rstd) + bias with μ and σ² over every axis but channels.
/// </summary>
internal static class FusedBatchNormTraining
{
    public const string OpType = "BatchNormalizationTraining";

    /// <summary>The five outputs of one fused node.</summary>
    public sealed record Outputs(string Y, string Mean, string Variance, string Normalized, string InverseStd);

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

    /// <summary>
    /// The type a float32 BatchNorm is computed in: x is widened once, and the statistics and the outputs are each
    /// rounded once from double. PyTorch's CPU kernel sums in double too; float32 sums, a float32 1/σ and y = x̂·γ + β
    /// from a rounded x̂ left errors of a few ulps that a whole channel shares, a systematic scale of y that every later
    /// weight gradient sums over the batch. With batch statistics over s3d's 200k positions that made our AdamW step
    /// flip 1.4× as many near-zero gradient signs as PyTorch's float32 step (against a float64 one), 0.94× in double.
    /// Rounding only the statistics once (y = (x − μ)·round(γ/σ) + β in float) helped s3d (0.88×) but took r3d_18's
    /// layer1 from no flips to 745 (benchmarks/README.md, lever 1).
    /// </summary>
    private const TensorProto.Types.DataType Wide = TensorProto.Types.DataType.Double;

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
        string Cast(string v, TensorProto.Types.DataType to) =>
            g.Node("Cast", [v], new Dictionary<string, object> { ["to"] = (long)to }, name: $"{node.Name}/lowered/Cast");
        string Widen(string v) => type == Wide ? v : Cast(v, Wide);
        string Narrow(string v) => type == Wide ? v : Cast(v, type);
        var axes = Initializers.Int64s(g, $"{node.Name}/lowered/axes", ReducedAxes(rank));
        var perChannel = Initializers.Int64s(g, $"{node.Name}/lowered/per_channel", [1, -1, .. Enumerable.Repeat(1L, rank - 2)]);
        string PerChannel(string v) => g.Node("Reshape", [v, perChannel], name: $"{node.Name}/lowered/Reshape");
        // ReduceSum takes its axes as an input from opset 13 on (ReduceMean only from 18).
        var count = Cast(Op("Div", Op("Size", x), Op("Size", scale)), Wide);
        string WideMean(string v) =>
            Op("Div", g.Node("ReduceSum", [v, axes], new Dictionary<string, object> { ["keepdims"] = 1L }, name: $"{node.Name}/lowered/ReduceSum"), count);

        var wideX = Widen(x);
        var mean = WideMean(wideX);
        var centered = Op("Sub", wideX, mean);
        var variance = WideMean(Op("Mul", centered, centered));
        var epsilon = Initializers.Add(g, ConstantTensors.Scalar("", AttributeValues.Float(node, "epsilon", 1e-5f), Wide, rankZero: true), $"{node.Name}/lowered/const");
        var inverseStd = Op("Reciprocal", Op("Sqrt", Op("Add", variance, epsilon)));
        var normalized = Op("Mul", centered, inverseStd);
        var y = Op("Add", Op("Mul", normalized, Widen(PerChannel(scale))), Widen(PerChannel(bias)));
        string[] produced = [y, mean, variance, normalized, inverseStd];
        for (int i = 0; i < produced.Length; i++)
            if (node.Output[i].Length > 0) GraphRewrites.RenameValue(g.Graph, Narrow(produced[i]), node.Output[i]);
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
