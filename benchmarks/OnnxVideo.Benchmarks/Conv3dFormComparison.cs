using System.Diagnostics;
using System.Globalization;
using OnnxVideo.Autodiff;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Graphs;
using OnnxVideo.Onnx.Proto;
using OnnxVideo.Onnx.Shapes;
using OnnxVideo.Ort;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Benchmarks;

/// <summary>
/// <c>OnnxVideo.Benchmarks conv3d-forms [rounds] [--only TEXT] [--threads 2]</c> (issue 17 lever 3c): r3d_18's 3-D
/// Conv layers of <see cref="ConvWeightGradientTable"/> as ORT's Conv3d, as one 2-D Conv over the stacked temporal
/// taps (sliced and concatenated, or gathered) and as one 2-D Conv per tap summed (<see cref="Conv3dTapStacking"/>), forward alone and forward with the
/// gradients (autodiff of Σ y·dy; dw and dx, a stem's dw only), timed in turns after checking that the forms agree; a markdown row per layer.
/// </summary>
public static class Conv3dFormComparison
{
    private static readonly (string Name, TapStackForm? Form)[] Forms = [("Conv3d", null), ("stacked", TapStackForm.Stacked), ("summed", TapStackForm.Summed), ("gathered", TapStackForm.Gathered)];

    public static int Run(string[] args)
    {
        var rounds = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
        string? Option(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        var only = Option("--only");
        var options = new OrtSessionOptions { IntraOpThreads = int.Parse(Option("--threads") ?? "2", CultureInfo.InvariantCulture), InterOpThreads = 1,
            OptimizationLevel = Option("--opt") == "extended" ? GraphOptimizationLevel.Extended : GraphOptimizationLevel.All };
        var names = string.Join(" / ", Forms.Select(f => f.Name));
        var ratios = string.Join(" / ", Forms.Skip(1).Select(f => f.Name));
        Console.WriteLine($"| layer (x, w) | forward ms: {names} | ÷ Conv3d: {ratios} | forward+backward ms: {names} | ÷ Conv3d: {ratios} | load |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var layer in ConvWeightGradientTable.Layers.Where(l => l.X.Length == 5 && (only is null || l.Name.Contains(only, StringComparison.Ordinal))))
        {
            Console.WriteLine(Measure(layer, rounds, options));
        }
        return 0;
    }

    private static string Measure(ConvWeightGradientTable.Layer layer, int rounds, OrtSessionOptions options)
    {
        var axes = ConvGeometry.Compute(ConvWeightGradientTable.ForwardNode(layer), new TensorShape(layer.X), layer.W[2..], isPool: false)!;
        long[] yShape = [layer.X[0], layer.W[0], .. axes.Select(a => a.Out)];
        var random = new Random(1);
        using var x = OrtValue.CreateTensor(ConvWeightGradientTable.RandomArray(random, layer.X), layer.X);
        using var w = OrtValue.CreateTensor(ConvWeightGradientTable.RandomArray(random, layer.W), layer.W);
        using var dy = OrtValue.CreateTensor(ConvWeightGradientTable.RandomArray(random, yShape), yShape);
        var forward = Forms.Select(f => Session(layer, yShape, f.Form, backward: false, options)).ToArray();
        var training = Forms.Select(f => Session(layer, yShape, f.Form, backward: true, options)).ToArray();
        try
        {
            var expected = Outputs(training[0], x, w, dy);
            foreach (var session in forward.Skip(1).Select(s => (s, Outputs(forward[0], x, w, dy))).Concat(training.Skip(1).Select(s => (s, expected))))
            {
                var actual = Outputs(session.s, x, w, dy);
                var worst = actual.Zip(session.Item2, ConvWeightGradientTable.RelativeDifference).Max();
                if (worst > 1e-4) throw new InvalidOperationException($"{layer.Name}: a 2-D form differs from Conv3d by {worst:E2} of the largest element");
            }
            var times = Enumerable.Range(0, 2 * Forms.Length).Select(_ => new List<double>()).ToArray();
            for (var r = 0; r < rounds; r++)
            {
                for (var f = 0; f < Forms.Length; f++)
                {
                    times[f].Add(Time(forward[f], x, w, dy));
                    times[Forms.Length + f].Add(Time(training[f], x, w, dy));
                }
            }
            var ms = times.Select(ConvWeightGradientTable.Median).ToArray();
            string Cells(int from) => string.Create(CultureInfo.InvariantCulture,
                $"{string.Join(" / ", ms.Skip(from).Take(Forms.Length).Select(m => $"{m:F0}"))} | {string.Join(" / ", ms.Skip(from + 1).Take(Forms.Length - 1).Select(m => $"{m / ms[from]:F2}"))}");
            var load = File.ReadAllText("/proc/loadavg").Split(' ')[0];
            return $"| {layer.Name} ({string.Join('×', layer.X)}, {string.Join('×', layer.W)}) | {Cells(0)} | {Cells(Forms.Length)} | {load} |";
        }
        finally
        {
            foreach (var session in forward.Concat(training)) session.Dispose();
        }
    }

    /// <summary>y = Conv(x, w) in the given form; with <paramref name="backward"/> the outputs are dx and dw of Σ y·dy.</summary>
    private static OrtSession Session(ConvWeightGradientTable.Layer layer, long[] yShape, TapStackForm? form, bool backward, OrtSessionOptions options)
    {
        var g = new GraphBuilder("conv3d_form");
        g.Input("x", DataType.Float, layer.X.Select(d => (Dim)d).ToArray());
        g.Input("w", DataType.Float, layer.W.Select(d => (Dim)d).ToArray());
        g.Input("dy", DataType.Float, yShape.Select(d => (Dim)d).ToArray());
        var y = g.Node("Conv", ["x", "w"], new Dictionary<string, object> { ["strides"] = layer.Strides, ["pads"] = layer.Pads }, "conv");
        if (form is { } f && Conv3dTo2dLowering.Rewrite(g.Graph, f) != 1) throw new InvalidOperationException($"{layer.Name}: the conv was not lowered");
        string[] outputs = [y];
        if (backward)
        {
            var loss = g.Node("ReduceSum", [g.Node("Mul", [y, "dy"])], new Dictionary<string, object> { ["keepdims"] = 0L });
            // A stem's input is the video, whose gradient a training step never needs.
            string[] wrt = layer.Name.Contains("stem", StringComparison.Ordinal) ? ["w"] : ["x", "w"];
            var gradients = AutoDiff.AppendGradients(g, loss, wrt).Gradients;
            outputs = wrt.Select(v => gradients[v]).ToArray();
        }
        foreach (var output in outputs)
        {
            g.Graph.Output.Add(new ValueInfoProto { Name = output, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)DataType.Float } } });
        }
        return new OrtSession(OnnxModelFile.ToBytes(OnnxModels.Create(g.Graph)), options, layer.Name);
    }

    private static double Time(OrtSession session, OrtValue x, OrtValue w, OrtValue dy)
    {
        var clock = Stopwatch.StartNew();
        Outputs(session, x, w, dy);
        return clock.Elapsed.TotalMilliseconds;
    }

    private static float[][] Outputs(OrtSession session, OrtValue x, OrtValue w, OrtValue dy)
    {
        var names = session.Inputs.Select(i => i.Name).ToArray();
        var values = names.Select(n => n switch { "x" => x, "w" => w, _ => dy }).ToArray();
        var outputs = session.Run(names, values);
        var data = outputs.Select(o => o.ToArray<float>()).ToArray();
        foreach (var o in outputs) o.Dispose();
        return data;
    }
}
