using OnnxVideo.Autodiff.Fused;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Shapes;
using OnnxVideo.Testing;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Export.Tests.Autodiff;

/// <summary>
/// The lowered training-form BatchNorm on channels whose values sit close to their mean (|μ| ≫ σ, as in r2plus1d_18's
/// layer4 at 98 positions): each ulp of error in the float32 batch mean shifts x̂ = (x − μ)·rstd over the whole
/// channel (here 1 ulp of μ is 3–10 % of σ), so the mean must be rounded once from an exact sum, as PyTorch's is.
/// </summary>
public sealed class FusedBatchNormPrecisionTests
{
    private const int Channels = 8;
    private static readonly long[] Shape = [2, Channels, 1, 7, 7];

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

        var means = OrtModelRunner.RunAll(LoweredBatchNorm(), x, Shape).Values.Single().Data;

        for (var c = 0; c < Channels; c++)
        {
            var values = Enumerable.Range(0, x.Length).Where(i => ChannelOf(i) == c).Select(i => (double)x[i]).ToArray();
            Assert.Equal((float)(values.Sum() / values.Length), means[c]);
        }
    }

    private static int ChannelOf(int index) => index / 49 % Channels;

    private static Onnx.Proto.ModelProto LoweredBatchNorm()
    {
        var g = new GraphBuilder("bn");
        var input = g.Input("x", DataType.Float, [.. Shape.Select(d => (Dim)d)]);
        var scale = g.Initializer("scale", Enumerable.Repeat(1f, Channels).ToArray(), Channels);
        var bias = g.Initializer("bias", new float[Channels], Channels);
        var bn = FusedBatchNormTraining.Add(g, input, scale, bias, 1e-5f, new TensorShape(Shape), DataType.Float, "bn");
        g.Output(g.Node("Identity", [bn.Mean]), DataType.Float, 1, Channels, 1, 1, 1);
        var model = OnnxModels.Create(g.Graph);
        FusedOps.Lower(model.Graph);
        return model;
    }
}
