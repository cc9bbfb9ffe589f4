using OnnxVideo.Autodiff;
using OnnxVideo.Autodiff.Fused;
using OnnxVideo.Autodiff.Rules;
using OnnxVideo.Onnx.Shapes;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;
using OnnxVideo.Ort;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Export.Tests.Autodiff;

/// <summary>
/// Runs one gradient-check row: loss = Σ_outputs Σ R ⊙ y with a random fixed R; analytic gradients from the
/// appended backward graph against central finite differences of the forward graph, both evaluated by ORT.
/// </summary>
internal static class GradientChecker
{
    private static readonly OrtSessionOptions Options = new() { IntraOpThreads = 1, InterOpThreads = 1 };

    public sealed record BuiltCase(CaseGraph Case, byte[] Forward, byte[] Backward, string Loss, GradientResult Result,
        IReadOnlyList<NodeProto> BackwardNodes, IReadOnlyList<(string Name, double[] Values)> Weights);

    /// <summary>A MatMul of a weight-gradient form, not the kernel reversal of a Conv's input-gradient weights.</summary>
    public static bool IsWeightGradientMatMul(NodeProto n) =>
        n.OpType == "MatMul" && !n.Input.Any(i => i.StartsWith(ConvGradients.KernelReversalName, StringComparison.Ordinal));

    /// <summary>A product of dy with a window of x: a Gemm (channels first) or a batched MatMul (batch-summed).</summary>
    public static bool IsTapProduct(NodeProto n) => n.OpType == "Gemm" || IsWeightGradientMatMul(n);

    public static BuiltCase Build(GradientCheckCase row, GradientOptions? options = null)
    {
        var type = row.Float64 ? DataType.Double : DataType.Float;
        var graph = new GraphBuilder("check");
        var cg = new CaseGraph(graph, type, new Random(StableSeed(row.ToString())));
        var outputs = row.Build(cg);
        var shapes = ShapeInference.Run(graph.Graph);
        string? loss = null;
        var weights = new List<(string, double[])>();
        foreach (var y in outputs)
        {
            var shape = shapes.ShapeOf(y);
            Assert.True(shape is not null && shape.Dims.All(d => d.IsKnown || (d.Symbol is { } s && cg.Symbols.ContainsKey(s))),
                $"shape of case output '{y}' not inferred: {shape}");
            var dims = shape!.Dims.Select(d => d.Value ?? cg.Symbols[d.Symbol!]).ToArray();
            var r = cg.Const(dims);
            weights.Add((y, graph.Graph.Initializer.Last().DoubleData.Count > 0 ? graph.Graph.Initializer.Last().DoubleData.ToArray() : TensorProtos.ToFloats(graph.Graph.Initializer.Last()).Select(v => (double)v).ToArray()));
            var term = graph.Node("ReduceSum", [graph.Node("Mul", [y, r])], new Dictionary<string, object> { ["keepdims"] = 0L });
            loss = loss is null ? term : graph.Node("Add", [loss, term]);
        }
        DeclareOutput(graph, loss!, type);
        foreach (var (_, value) in cg.Exposed) DeclareOutput(graph, value, DataType.Bool);
        var forwardGraph = graph.Graph.Clone();
        FusedOps.Lower(forwardGraph);
        var forward = OnnxModelFile.ToBytes(OnnxModels.Create(forwardGraph, row.Opset));
        int before = graph.Graph.Node.Count;
        var result = AutoDiff.AppendGradients(graph, loss!, cg.Parameters.Select(p => p.Name).ToArray(), options);
        foreach (var p in cg.Parameters) DeclareOutput(graph, result.GradientOf(p.Name), type);
        var backwardNodes = graph.Graph.Node.Skip(before).ToArray();
        FusedOps.Lower(graph.Graph);
        var backward = OnnxModelFile.ToBytes(OnnxModels.Create(graph.Graph, row.Opset));
        return new BuiltCase(cg, forward, backward, loss!, result, backwardNodes, weights);
    }

    /// <summary>The backward graph's gradient of every parameter (in <see cref="CaseGraph.Parameters"/> order), by ORT.</summary>
    public static double[][] AnalyticGradients(BuiltCase built, bool isDouble)
    {
        using var backward = new OrtSession(built.Backward, Options, "backward");
        var names = built.Case.Parameters.Select(p => built.Result.GradientOf(p.Name)).ToArray();
        return Run(backward, built.Case, built.Case.Parameters.Select(p => p.Values).ToArray(), names, isDouble);
    }

    public static void Check(GradientCheckCase row)
    {
        var built = Build(row);
        var cg = built.Case;
        bool isDouble = row.Float64;
        using var backward = new OrtSession(built.Backward, Options, row.ToString());
        var outputNames = new List<string> { built.Loss };
        outputNames.AddRange(cg.Parameters.Select(p => built.Result.GradientOf(p.Name)));
        outputNames.AddRange(cg.Exposed.Values);
        var results = Run(backward, cg, cg.Parameters.Select(p => p.Values).ToArray(), outputNames, isDouble);
        var analytic = results.Skip(1).Take(cg.Parameters.Count).ToArray();
        for (int p = 0; p < cg.Parameters.Count; p++)
            Assert.Equal(cg.Parameters[p].Values.Length, analytic[p].Length);

        if (row.Mode == GradientCheckMode.DropoutMask)
        {
            var mask = results[^1];
            var weights = built.Weights[0].Values;
            for (int i = 0; i < mask.Length; i++) Assert.Equal(weights[i] * mask[i] * 2, analytic[0][i], 5);
            Assert.Contains(mask, m => m == 0);
            Assert.Contains(mask, m => m == 1);
            return;
        }

        using var forward = new OrtSession(built.Forward, Options, row.ToString());
        double h = isDouble ? 1e-6 : 1e-2;
        double absTol = isDouble ? 1e-6 : 2e-3, relTol = isDouble ? 1e-5 : 2e-2;
        double largest = 0;
        for (int p = 0; p < cg.Parameters.Count; p++)
        {
            var values = cg.Parameters.Select(q => (double[])q.Values.Clone()).ToArray();
            for (int i = 0; i < values[p].Length; i++)
            {
                double original = values[p][i];
                values[p][i] = original + h;
                double plus = Run(forward, cg, values, [built.Loss], isDouble)[0][0];
                values[p][i] = original - h;
                double minus = Run(forward, cg, values, [built.Loss], isDouble)[0][0];
                values[p][i] = original;
                double numeric = (plus - minus) / (2 * h);
                largest = Math.Max(largest, Math.Abs(numeric));
                double a = analytic[p][i];
                Assert.True(Math.Abs(a - numeric) <= absTol + relTol * Math.Abs(numeric),
                    $"{row}: d loss / d {cg.Parameters[p].Name}[{i}] analytic {a} vs finite differences {numeric}");
            }
        }
        Assert.True(largest > 1e-3, $"{row}: every finite-difference gradient is ~0, the row checks nothing");
    }

    private static double[][] Run(OrtSession session, CaseGraph cg, double[][] values, IReadOnlyList<string> outputs, bool isDouble)
    {
        var inputs = new List<OrtValue>();
        try
        {
            for (int p = 0; p < cg.Parameters.Count; p++)
            {
                inputs.Add(isDouble
                    ? OrtValue.CreateTensor(values[p], cg.Parameters[p].Shape)
                    : OrtValue.CreateTensor(values[p].Select(v => (float)v).ToArray(), cg.Parameters[p].Shape));
            }
            var results = session.Run(cg.Parameters.Select(p => p.Name).ToArray(), inputs, outputs);
            try
            {
                return results.Select(ToDoubles).ToArray();
            }
            finally
            {
                foreach (var r in results) r.Dispose();
            }
        }
        finally
        {
            foreach (var v in inputs) v.Dispose();
        }
    }

    private static double[] ToDoubles(OrtValue v) => v.ElementType switch
    {
        TensorElementType.Double => v.ToArray<double>(),
        TensorElementType.Float => v.ToArray<float>().Select(x => (double)x).ToArray(),
        TensorElementType.Bool => v.ToArray<bool>().Select(x => x ? 1.0 : 0.0).ToArray(),
        TensorElementType.Int64 => v.ToArray<long>().Select(x => (double)x).ToArray(),
        var t => throw new InvalidOperationException($"unexpected output type {t}"),
    };

    private static void DeclareOutput(GraphBuilder graph, string name, DataType type)
    {
        var tensor = new TypeProto.Types.Tensor { ElemType = (int)type };
        graph.Graph.Output.Add(new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensor } });
    }

    private static int StableSeed(string text)
    {
        unchecked
        {
            int hash = 17;
            foreach (char ch in text) hash = hash * 31 + ch;
            return hash;
        }
    }
}
