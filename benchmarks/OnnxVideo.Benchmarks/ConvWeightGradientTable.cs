using System.Diagnostics;
using System.Globalization;
using OnnxVideo.Autodiff;
using OnnxVideo.Autodiff.Rules;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;
using OnnxVideo.Onnx.Shapes;
using OnnxVideo.Ort;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Benchmarks;

/// <summary>
/// <c>OnnxVideo.Benchmarks conv-grad-table [rounds] [--only TEXT] [--threads 2] [--profile PREFIX]</c> (issue 17
/// lever 2): the Conv layers of r3d_18 and r2plus1d_18 at 2×3×8×112² (the (2+1)D ones as the 2-D convs
/// Conv3dTo2dLowering makes of them) and of tiny3d at 8×3×8×64², each weight gradient built every way — the Conv of
/// transposed x and dy, one Gemm per tap, and (stride 1) dy shifted per tap in one MatMul
/// (<see cref="ShiftedDyWeightGradient"/>; LoRA's r=8 convs are rows too) — timed in turns; prints a markdown row per
/// layer with the medians, their ratios, the form the rule picks, and the load. The profile prefix writes ORT's
/// profile of each form's session (PREFIX0, PREFIX1, …).
/// </summary>
public static class ConvWeightGradientTable
{
    internal sealed record Layer(string Name, long[] X, long[] W, long[] Strides, long[] Pads);

    internal static readonly Layer[] Layers =
    [
        new("r3d_18 stem (3,7,7) s(1,2,2) 3→64", [2, 3, 8, 112, 112], [64, 3, 3, 7, 7], [1, 2, 2], [1, 3, 3, 1, 3, 3]),
        new("r3d_18 layer1 3³ 64→64", [2, 64, 8, 56, 56], [64, 64, 3, 3, 3], [1, 1, 1], [1, 1, 1, 1, 1, 1]),
        new("r3d_18 layer2.0.conv1 3³ s2 64→128", [2, 64, 8, 56, 56], [128, 64, 3, 3, 3], [2, 2, 2], [1, 1, 1, 1, 1, 1]),
        new("r3d_18 layer2 3³ 128→128", [2, 128, 4, 28, 28], [128, 128, 3, 3, 3], [1, 1, 1], [1, 1, 1, 1, 1, 1]),
        new("r3d_18 layer3 3³ 256→256", [2, 256, 2, 14, 14], [256, 256, 3, 3, 3], [1, 1, 1], [1, 1, 1, 1, 1, 1]),
        new("r3d_18 layer4 3³ 512→512", [2, 512, 1, 7, 7], [512, 512, 3, 3, 3], [1, 1, 1], [1, 1, 1, 1, 1, 1]),
        new("r2plus1d_18 stem.3 (3,1) 45→64 on [N,C,T,HW]", [2, 45, 8, 3136], [64, 45, 3, 1], [1, 1], [1, 0, 1, 0]),
        new("r2plus1d_18 layer1 3×3 64→144 on [NT,C,H,W]", [16, 64, 56, 56], [144, 64, 3, 3], [1, 1], [1, 1, 1, 1]),
        new("r2plus1d_18 layer1 (3,1) 144→64", [2, 144, 8, 3136], [64, 144, 3, 1], [1, 1], [1, 0, 1, 0]),
        new("r2plus1d_18 layer2 3×3 128→288", [8, 128, 28, 28], [288, 128, 3, 3], [1, 1], [1, 1, 1, 1]),
        new("r2plus1d_18 layer2 (3,1) 288→128", [2, 288, 4, 784], [128, 288, 3, 1], [1, 1], [1, 0, 1, 0]),
        new("r2plus1d_18 layer3 3×3 256→576", [4, 256, 14, 14], [576, 256, 3, 3], [1, 1], [1, 1, 1, 1]),
        new("r2plus1d_18 layer3 (3,1) 576→256", [2, 576, 2, 196], [256, 576, 3, 1], [1, 1], [1, 0, 1, 0]),
        new("r2plus1d_18 layer4 3×3 512→1152", [2, 512, 7, 7], [1152, 512, 3, 3], [1, 1], [1, 1, 1, 1]),
        new("r2plus1d_18 layer4 (3,1) 1152→512", [2, 1152, 1, 49], [512, 1152, 3, 1], [1, 1], [1, 0, 1, 0]),
        new("r3d_18 1×1×1 s1 64→64 on [N,C,T,HW]", [2, 64, 8, 3136], [64, 64, 1, 1], [1, 1], [0, 0, 0, 0]),
        new("r3d_18 layer2.0.downsample 1³ s2 64→128", [2, 64, 8, 56, 56], [128, 64, 1, 1, 1], [2, 2, 2], [0, 0, 0, 0, 0, 0]),
        new("mc3_18 layer2.0.conv1 3×3 s2 64→128 on [NT,C,H,W]", [16, 64, 56, 56], [128, 64, 3, 3], [2, 2], [1, 1, 1, 1]),
        new("mc3_18 layer3.0.conv1 3×3 s2 128→256 on [NT,C,H,W]", [16, 128, 28, 28], [256, 128, 3, 3], [2, 2], [1, 1, 1, 1]),
        new("mc3_18 layer4.0.conv1 3×3 s2 256→512 on [NT,C,H,W]", [16, 256, 14, 14], [512, 256, 3, 3], [2, 2], [1, 1, 1, 1]),
        new("r2plus1d_18 layer2.0.conv1 3×3 s2 64→230 on [NT,C,H,W]", [16, 64, 56, 56], [230, 64, 3, 3], [2, 2], [1, 1, 1, 1]),
        new("r2plus1d_18 layer2.0.conv1 (3,1) s(2,1) 230→128 on [N,C,T,HW]", [2, 230, 8, 784], [128, 230, 3, 1], [2, 1], [1, 0, 1, 0]),
        new("r2plus1d_18 layer3.0.conv1 (3,1) s(2,1) 460→256 on [N,C,T,HW]", [2, 460, 4, 196], [256, 460, 3, 1], [2, 1], [1, 0, 1, 0]),
        new("r2plus1d_18 layer3.0.conv1 3×3 s2 128→460 on [NT,C,H,W]", [8, 128, 28, 28], [460, 128, 3, 3], [2, 2], [1, 1, 1, 1]),
        new("tiny3d stage0 3³ s(1,2,2) 3→16", [8, 3, 8, 64, 64], [16, 3, 3, 3, 3], [1, 2, 2], [1, 1, 1, 1, 1, 1]),
        new("tiny3d stage1 3³ s2 16→32", [8, 16, 8, 32, 32], [32, 16, 3, 3, 3], [2, 2, 2], [1, 1, 1, 1, 1, 1]),
        new("tiny3d stage2 3³ s2 32→64", [8, 32, 4, 16, 16], [64, 32, 3, 3, 3], [2, 2, 2], [1, 1, 1, 1, 1, 1]),
        new("tiny3d stage3 3³ s(1,2,2) 64→64", [8, 64, 2, 8, 8], [64, 64, 3, 3, 3], [1, 2, 2], [1, 1, 1, 1, 1, 1]),
        new("LoRA r=8 A of r3d_18 layer1 3³ 64→8", [2, 64, 8, 56, 56], [8, 64, 3, 3, 3], [1, 1, 1], [1, 1, 1, 1, 1, 1]),
        new("LoRA r=8 A of r3d_18 layer2 3³ 128→8", [2, 128, 4, 28, 28], [8, 128, 3, 3, 3], [1, 1, 1], [1, 1, 1, 1, 1, 1]),
        new("LoRA r=8 A of r3d_18 layer3 3³ 256→8", [2, 256, 2, 14, 14], [8, 256, 3, 3, 3], [1, 1, 1], [1, 1, 1, 1, 1, 1]),
        new("LoRA r=8 A of r3d_18 layer4 3³ 512→8", [2, 512, 1, 7, 7], [8, 512, 3, 3, 3], [1, 1, 1], [1, 1, 1, 1, 1, 1]),
        new("LoRA r=8 B of r3d_18 layer1 1×1 8→64 on [N,C,T,HW]", [2, 8, 8, 3136], [64, 8, 1, 1], [1, 1], [0, 0, 0, 0]),
        new("LoRA r=8 B of r3d_18 layer4 1×1 8→512 on [N,C,T,HW]", [2, 8, 1, 49], [512, 8, 1, 1], [1, 1], [0, 0, 0, 0]),
        new("LoRA r=8 A of r2plus1d_18 layer1 3×3 64→8 on [NT,C,H,W]", [16, 64, 56, 56], [8, 64, 3, 3], [1, 1], [1, 1, 1, 1]),
        new("LoRA r=8 A of r2plus1d_18 layer1 (3,1) 144→8", [2, 144, 8, 3136], [8, 144, 3, 1], [1, 1], [1, 0, 1, 0]),
        new("LoRA r=8 A of r2plus1d_18 layer4 3×3 512→8", [2, 512, 7, 7], [8, 512, 3, 3], [1, 1], [1, 1, 1, 1]),
    ];

    public static int Run(string[] args)
    {
        var rounds = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
        string? Option(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        var only = Option("--only");
        var options = new OrtSessionOptions { IntraOpThreads = int.Parse(Option("--threads") ?? "2", CultureInfo.InvariantCulture), InterOpThreads = 1 };
        Console.WriteLine($"| layer (x, w) | Conv form ms | per-tap ms | shifted dy ms | per-tap ÷ Conv | shifted ÷ Conv | rule picks | load |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var layer in Layers.Where(l => only is null || l.Name.Contains(only, StringComparison.Ordinal)))
        {
            Console.WriteLine(Measure(layer, rounds, options, Option("--profile")));
        }
        return 0;
    }

    private static string Measure(Layer layer, int rounds, OrtSessionOptions options, string? profile)
    {
        var axes = ConvGeometry.Compute(ForwardNode(layer), new TensorShape(layer.X), layer.W[2..], isPool: false)!;
        long[] dyShape = [layer.X[0], layer.W[0], .. axes.Select(a => a.Out)];
        var forms = new List<(string Name, Func<GradientContext, ConvAxis[], string> Build)>
        {
            ("Conv", (c, a) => ConvGradients.TransposedConvWeightGradient(c, "x", "dy", a, 1, layer.W[0], layer.W[1])),
            ("per-tap", (c, a) => PerTapWeightGradient.Build(c, "x", "dy", a, layer.W[0], layer.W[1])),
        };
        if (axes.All(a => a.Stride == 1))
        {
            forms.Add(("shifted dy", (c, a) => ShiftedDyWeightGradient.Build(c, "x", "dy", a, layer.W[0], layer.W[1])));
        }
        var sessions = forms.Select((f, i) => Session(layer, dyShape, profile is null ? options
            : new OrtSessionOptions { IntraOpThreads = options.IntraOpThreads, InterOpThreads = 1, ProfileFilePrefix = $"{profile}{i}" }, f.Build, axes)).ToList();
        try
        {
            var random = new Random(1);
            using var x = OrtValue.CreateTensor(RandomArray(random, layer.X), layer.X);
            using var dy = OrtValue.CreateTensor(RandomArray(random, dyShape), dyShape);
            var reference = Output(sessions[0], x, dy);
            foreach (var (session, form) in sessions.Zip(forms).Skip(1))
            {
                var difference = RelativeDifference(reference, Output(session, x, dy));
                if (difference > 1e-4) throw new InvalidOperationException($"{layer.Name}: the {form.Name} weight gradient differs from the Conv form's by {difference:E2} of the largest element");
            }
            var times = sessions.Select(_ => new List<double>()).ToArray();
            for (var r = 0; r < rounds; r++)
            {
                for (var f = 0; f < sessions.Count; f++) times[f].Add(Time(sessions[f], x, dy));
            }
            var ms = times.Select(Median).ToArray();
            var picks = ShiftedDyWeightGradient.Wins(axes, 1, layer.W[0], layer.W[1]) ? "shifted dy" : PerTapWeightGradient.Wins(axes, 1, layer.W[1]) ? "per-tap" : "Conv";
            var load = File.ReadAllText("/proc/loadavg").Split(' ')[0];
            var shifted = ms.Length > 2 ? string.Create(CultureInfo.InvariantCulture, $"{ms[2]:F1} | {ms[2] / ms[0]:F2}") : "– | –";
            return string.Create(CultureInfo.InvariantCulture,
                $"| {layer.Name} ({string.Join('×', layer.X)}, {string.Join('×', layer.W)}) | {ms[0]:F1} | {ms[1]:F1} | {shifted.Split(" | ")[0]} | {ms[1] / ms[0]:F2} | {shifted.Split(" | ")[1]} | {picks} | {load} |");
        }
        finally
        {
            foreach (var session in sessions) session.Dispose();
        }
    }

    internal static NodeProto ForwardNode(Layer layer)
    {
        var g = new GraphBuilder("conv");
        g.Node("Conv", ["x", "w"], new Dictionary<string, object> { ["strides"] = layer.Strides, ["pads"] = layer.Pads });
        return g.Graph.Node[0];
    }

    private static OrtSession Session(Layer layer, long[] dyShape, OrtSessionOptions options, Func<GradientContext, ConvAxis[], string> build, ConvAxis[] axes)
    {
        var g = new GraphBuilder("weight_gradient");
        g.Input("x", DataType.Float, layer.X.Select(d => (Dim)d).ToArray());
        g.Input("dy", DataType.Float, dyShape.Select(d => (Dim)d).ToArray());
        var output = build(new GradientContext(g, ShapeInference.Run(g.Graph)), axes);
        g.Graph.Output.Add(new ValueInfoProto { Name = output, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)DataType.Float } } });
        return new OrtSession(OnnxModelFile.ToBytes(OnnxModels.Create(g.Graph)), options, layer.Name);
    }

    private static double Time(OrtSession session, OrtValue x, OrtValue dy)
    {
        var clock = Stopwatch.StartNew();
        Output(session, x, dy);
        return clock.Elapsed.TotalMilliseconds;
    }

    private static float[] Output(OrtSession session, OrtValue x, OrtValue dy)
    {
        var outputs = session.Run(["x", "dy"], [x, dy]);
        var data = outputs[0].ToArray<float>();
        foreach (var o in outputs) o.Dispose();
        return data;
    }

    internal static double RelativeDifference(float[] a, float[] b)
    {
        if (a.Length != b.Length) return double.PositiveInfinity;
        double worst = 0, scale = 0;
        for (var i = 0; i < a.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(a[i] - b[i]));
            scale = Math.Max(scale, Math.Abs(a[i]));
        }
        return worst / scale;
    }

    internal static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    internal static float[] RandomArray(Random random, long[] shape)
    {
        var data = new float[shape.Aggregate(1L, (p, d) => p * d)];
        for (var i = 0; i < data.Length; i++) data[i] = (float)(random.NextDouble() - 0.5);
        return data;
    }
}
