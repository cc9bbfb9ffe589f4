using BenchmarkDotNet.Attributes;
using OnnxVideo.Autodiff;
using OnnxVideo.Autodiff.Rules;
using OnnxVideo.Onnx.Shapes;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;
using OnnxVideo.Ort;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Benchmarks;

/// <summary>
/// The Conv3-D layer of DESIGN.md (x 4×64×8×56×56, w 64×64×3×3×3, pad 1; stride (1,2,2) as in a ResNet
/// down-sampling block for the second case) on ORT CPU with 2 threads: forward, the input gradient as ORT
/// ConvTranspose vs the plain Conv of flipped, transposed weights the autodiff rule emits, and the weight gradient in
/// the rule's two forms (Conv of transposed x and dy; one Gemm per tap, which the rule picks at stride 1). Each graph is exactly the nodes the rule appends (built through the same ConvGradients code); for
/// strides the rule's polyphase form is compared with the simpler zero-interleaved dy.
/// Measured 2026-11-22 on the shared 2-core machine under heavy load (load average ~30, so absolute times are
/// inflated ~5×; the ratios to the forward Conv are the point), mean of 5:
///   stride 1: forward 0.87 s; dX ConvTranspose 6.42 s (7.4×); dX flipped-weight Conv 0.80 s (0.9×);
///             dX zero-interleaved (same graph as the rule here) 0.94 s (1.1×); dW 2.61 s (3.0×).
///   stride (1,2,2): forward 0.25 s; dX ConvTranspose 0.82 s (3.3×); dX polyphase (rule) 0.26 s (1.05×);
///             dX zero-interleaved 0.82 s (3.3×); dW 0.54 s (2.2×).
/// </summary>
[Config(typeof(InProcessShortConfig))]
public class ConvGradientBenchmarks
{
    private const int Batch = 4, Channels = 64, Frames = 8, Size = 56;

    private OrtSession _forward = null!, _inputGradTranspose = null!, _inputGradConv = null!, _inputGradZeros = null!, _weightGrad = null!, _weightGradPerTap = null!;
    private OrtValue _x = null!, _w = null!, _dy = null!;

    [Params(1, 2)]
    public int SpatialStride { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var options = new OrtSessionOptions { IntraOpThreads = 2, InterOpThreads = 1 };
        long outSize = (Size + 2 - 3) / SpatialStride + 1;
        long[] xShape = [Batch, Channels, Frames, Size, Size], wShape = [Channels, Channels, 3, 3, 3], yShape = [Batch, Channels, Frames, outSize, outSize];
        var convAttributes = new Dictionary<string, object>
        {
            ["pads"] = new long[] { 1, 1, 1, 1, 1, 1 },
            ["strides"] = new long[] { 1, SpatialStride, SpatialStride },
        };

        _forward = Session(options, g =>
        {
            g.Input("x", DataType.Float, xShape.Select(d => (Dim)d).ToArray());
            g.Input("w", DataType.Float, wShape.Select(d => (Dim)d).ToArray());
            return g.Node("Conv", ["x", "w"], convAttributes);
        });
        _inputGradTranspose = Session(options, g =>
        {
            g.Input("dy", DataType.Float, yShape.Select(d => (Dim)d).ToArray());
            g.Input("w", DataType.Float, wShape.Select(d => (Dim)d).ToArray());
            var attributes = new Dictionary<string, object>(convAttributes);
            if (SpatialStride > 1) attributes["output_padding"] = new long[] { 0, (Size + 2 - 3) % SpatialStride, (Size + 2 - 3) % SpatialStride };
            return g.Node("ConvTranspose", ["dy", "w"], attributes);
        });
        var conv = ForwardNode(convAttributes);
        var axes = ConvGeometry.Compute(conv, new TensorShape(xShape), [3, 3, 3], isPool: false)!;
        _inputGradConv = Session(options, g =>
        {
            g.Input("dy", DataType.Float, yShape.Select(d => (Dim)d).ToArray());
            g.Input("w", DataType.Float, wShape.Select(d => (Dim)d).ToArray());
            var c = new GradientContext(g, ShapeInference.Run(g.Graph));
            return ConvGradients.InputGradient(c, "dy", ConvGradients.InputGradientWeights(c, "w", wShape, 1), axes, 1);
        });
        _inputGradZeros = Session(options, g =>
        {
            g.Input("dy", DataType.Float, yShape.Select(d => (Dim)d).ToArray());
            g.Input("w", DataType.Float, wShape.Select(d => (Dim)d).ToArray());
            var c = new GradientContext(g, ShapeInference.Run(g.Graph));
            return ConvGradients.ZeroInterleavedInputGradient(c, "dy", ConvGradients.InputGradientWeights(c, "w", wShape, 1), axes, 1);
        });
        _weightGrad = Session(options, g =>
        {
            g.Input("x", DataType.Float, xShape.Select(d => (Dim)d).ToArray());
            g.Input("dy", DataType.Float, yShape.Select(d => (Dim)d).ToArray());
            var c = new GradientContext(g, ShapeInference.Run(g.Graph));
            return ConvGradients.TransposedConvWeightGradient(c, "x", "dy", axes, 1, Channels, Channels);
        });
        _weightGradPerTap = Session(options, g =>
        {
            g.Input("x", DataType.Float, xShape.Select(d => (Dim)d).ToArray());
            g.Input("dy", DataType.Float, yShape.Select(d => (Dim)d).ToArray());
            var c = new GradientContext(g, ShapeInference.Run(g.Graph));
            return PerTapWeightGradient.Build(c, "x", "dy", axes, Channels, Channels);
        });

        var random = new Random(1);
        _x = OrtValue.CreateTensor(RandomArray(random, xShape), xShape);
        _w = OrtValue.CreateTensor(RandomArray(random, wShape), wShape);
        _dy = OrtValue.CreateTensor(RandomArray(random, yShape), yShape);

        // Both input-gradient formulations must compute the same numbers, or the comparison means nothing.
        var viaTranspose = Output(_inputGradTranspose, ["dy", "w"], [_dy, _w]);
        foreach (var session in new[] { _inputGradConv, _inputGradZeros })
        {
            var viaConv = Output(session, ["dy", "w"], [_dy, _w]);
            double worst = 0;
            for (int i = 0; i < viaConv.Length; i++) worst = Math.Max(worst, Math.Abs(viaConv[i] - viaTranspose[i]));
            if (viaConv.Length != viaTranspose.Length || worst > 1e-3)
                throw new InvalidOperationException($"ConvTranspose and flipped-weight Conv disagree (max |difference| {worst})");
        }
    }

    /// <summary>Lever 2: the per-tap Gemm weight gradient must equal the Conv form.</summary>
    public double WeightGradientsDisagreeBy()
    {
        var rule = Output(_weightGrad, ["x", "dy"], [_x, _dy]);
        var perTap = Output(_weightGradPerTap, ["x", "dy"], [_x, _dy]);
        double worst = 0, scale = 0;
        for (int i = 0; i < rule.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(rule[i] - perTap[i]));
            scale = Math.Max(scale, Math.Abs(rule[i]));
        }
        return rule.Length == perTap.Length ? worst / scale : double.PositiveInfinity;
    }

    private static float[] Output(OrtSession session, string[] names, OrtValue[] inputs)
    {
        var outputs = session.Run(names, inputs);
        var data = outputs[0].ToArray<float>();
        foreach (var o in outputs) o.Dispose();
        return data;
    }

    [Benchmark(Baseline = true, Description = "forward Conv")]
    public long Forward() => RunOnce(_forward, ["x", "w"], [_x, _w]);

    [Benchmark(Description = "dX: ConvTranspose")]
    public long InputGradientConvTranspose() => RunOnce(_inputGradTranspose, ["dy", "w"], [_dy, _w]);

    [Benchmark(Description = "dX: Conv, flipped weights (rule; polyphase when strided)")]
    public long InputGradientFlippedConv() => RunOnce(_inputGradConv, ["dy", "w"], [_dy, _w]);

    [Benchmark(Description = "dX: Conv, flipped weights, zero-interleaved dy")]
    public long InputGradientZeroInterleaved() => RunOnce(_inputGradZeros, ["dy", "w"], [_dy, _w]);

    [Benchmark(Description = "dW: Conv of transposed x, dy (rule when strided)")]
    public long WeightGradient() => RunOnce(_weightGrad, ["x", "dy"], [_x, _dy]);

    [Benchmark(Description = "dW: one Gemm per kernel tap (rule at stride 1, lever 2)")]
    public long WeightGradientPerTap() => RunOnce(_weightGradPerTap, ["x", "dy"], [_x, _dy]);

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var d in new IDisposable[] { _forward, _inputGradTranspose, _inputGradConv, _inputGradZeros, _weightGrad, _weightGradPerTap, _x, _w, _dy }) d.Dispose();
    }

    private static long RunOnce(OrtSession session, string[] names, OrtValue[] inputs)
    {
        var outputs = session.Run(names, inputs);
        long count = outputs[0].ElementCount;
        foreach (var o in outputs) o.Dispose();
        return count;
    }

    private static NodeProto ForwardNode(Dictionary<string, object> attributes)
    {
        var g = new GraphBuilder("conv");
        g.Node("Conv", ["x", "w"], attributes);
        return g.Graph.Node[0];
    }

    private static OrtSession Session(OrtSessionOptions options, Func<GraphBuilder, string> build)
    {
        var g = new GraphBuilder("bench");
        var output = build(g);
        g.Graph.Output.Add(new ValueInfoProto { Name = output, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)DataType.Float } } });
        return new OrtSession(OnnxModelFile.ToBytes(OnnxModels.Create(g.Graph)), options, "conv-gradient benchmark");
    }

    private static float[] RandomArray(Random random, long[] shape)
    {
        var data = new float[shape.Aggregate(1L, (p, d) => p * d)];
        for (int i = 0; i < data.Length; i++) data[i] = (float)(random.NextDouble() - 0.5);
        return data;
    }
}
