using OnnxVideo.Autodiff.Fused;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Shapes;
using OnnxVideo.Testing;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Export.Tests.Autodiff;

/// <summary>
/// The lowered training-form BatchNorm computes its per-channel statistics as PyTorch's CPU kernel does: summed in
/// double and rounded once. On channels whose values sit close to their mean (|μ| ≫ σ, as in r2plus1d_18's layer4 at
/// 98 positions) each ulp of error in the float32 batch mean shifts x̂ = (x − μ)·rstd over the whole channel (here
/// 1 ulp of μ is 3–10 % of σ); over many positions (s3d's 200k) a float32 variance and 1/σ scale y systematically.
/// </summary>
public sealed class FusedBatchNormPrecisionTests
{
    private const int Channels = 8;
    private static readonly long[] Shape = [2, Channels, 1, 7, 7];
    private static readonly long[] ManyPositions = [2, 16, 8, 28, 28];

    [Fact]
    public void BatchMeanOfChannelsFarFromZeroIsTheExactMeanRoundedOnce()
    {
        var random = new Random(7);
        var offsets = Enumerable.Range(0, Channels).Select(c => (c % 2 == 0 ? 1 : -1) * (500 + 3500 * random.NextDouble())).ToArray();
        var x = new float[Shape.Aggregate(1L, (p, d) => p * d)];
        for (var i = 0; i < x.Length; i++)
        {
            x[i] = (float)(offsets[ChannelOf(i)] + 0.004 * (random.NextDouble() * 2 - 1));
        }

        var means = OrtModelRunner.RunAll(LoweredBatchNorm(Shape, Enumerable.Repeat(1f, Channels).ToArray(), new float[Channels], bn => bn.Mean), x, Shape)
            .Values.Single().Data;

        for (var c = 0; c < Channels; c++)
        {
            var values = Enumerable.Range(0, x.Length).Where(i => ChannelOf(i) == c).Select(i => (double)x[i]).ToArray();
            Assert.Equal((float)(values.Sum() / values.Length), means[c]);
        }
    }

    /// <summary>
    /// y = (x − μ)·γ/σ + β over 12,544 positions a channel: the scale each channel's y has against the exact one (the
    /// least-squares slope of y − β on the float64 y − β) is off by at most the one rounding of γ/σ (2⁻²⁴). A float32
    /// variance and 1/σ (and y = x̂·γ + β from a rounded x̂) left it off by up to several times that.
    /// </summary>
    [Fact]
    public void EachChannelsOutputScaleIsItsExactScaleRoundedOnce()
    {
        var channels = (int)ManyPositions[1];
        var positions = (int)(ManyPositions[2] * ManyPositions[3] * ManyPositions[4]);
        var random = new Random(11);
        var scale = Enumerable.Range(0, channels).Select(_ => (float)(0.5 + random.NextDouble())).ToArray();
        var bias = Enumerable.Range(0, channels).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var x = new float[ManyPositions.Aggregate(1L, (p, d) => p * d)];
        for (var i = 0; i < x.Length; i++)
        {
            var c = i / positions % channels;
            x[i] = (float)(c + 0.2 + (1 + c % 3) * (random.NextDouble() * 2 - 1));
        }

        var y = OrtModelRunner.RunAll(LoweredBatchNorm(ManyPositions, scale, bias, bn => bn.Y), x, ManyPositions).Values.Single().Data;

        var offBy = Enumerable.Range(0, channels).Select(c => ScaleError(c)).ToArray();
        Assert.True(offBy.Max(Math.Abs) <= Math.Pow(2, -24), "each channel's y is off in scale by " + string.Join(", ", offBy.Select(e => e.ToString("G2"))));

        double ScaleError(int c)
        {
            var at = Enumerable.Range(0, x.Length).Where(i => i / positions % channels == c).ToArray();
            var mean = at.Sum(i => (double)x[i]) / at.Length;
            var variance = at.Sum(i => Math.Pow(x[i] - mean, 2)) / at.Length;
            var exactScale = scale[c] / Math.Sqrt(variance + 1e-5);
            double along = 0, norm = 0;
            foreach (var i in at)
            {
                var exact = (x[i] - mean) * exactScale;
                along += (y[i] - bias[c]) * exact;
                norm += exact * exact;
            }
            return along / norm - 1;
        }
    }

    private static int ChannelOf(int index) => index / 49 % Channels;

    private static Onnx.Proto.ModelProto LoweredBatchNorm(long[] shape, float[] scaleValues, float[] biasValues,
        Func<FusedBatchNormTraining.Outputs, string> output)
    {
        var channels = (int)shape[1];
        var g = new GraphBuilder("bn");
        var input = g.Input("x", DataType.Float, [.. shape.Select(d => (Dim)d)]);
        var scale = g.Initializer("scale", scaleValues, channels);
        var bias = g.Initializer("bias", biasValues, channels);
        var bn = FusedBatchNormTraining.Add(g, input, scale, bias, 1e-5f, new TensorShape(shape), DataType.Float, "bn");
        var picked = output(bn);
        long[] outputShape = picked == bn.Y ? shape : [1, channels, 1, 1, 1];
        g.Output(g.Node("Identity", [picked]), DataType.Float, [.. outputShape.Select(d => (Dim)d)]);
        var model = OnnxModels.Create(g.Graph);
        FusedOps.Lower(model.Graph);
        return model;
    }
}
