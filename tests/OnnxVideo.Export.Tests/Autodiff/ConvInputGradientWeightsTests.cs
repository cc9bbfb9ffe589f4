using OnnxVideo.Autodiff;
using OnnxVideo.Autodiff.Rules;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Shapes;
using OnnxVideo.Testing;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Export.Tests.Autodiff;

/// <summary>
/// The input-gradient Conv's weights (channels swapped per group, every spatial axis reversed by a MatMul with the
/// kernel's reversal matrix) are the forward weights rearranged without rounding, against an index-by-index reference
/// (equal as numbers: a negative zero may come back as +0, which no Conv output can tell apart).
/// </summary>
public sealed class ConvInputGradientWeightsTests
{
    public static TheoryData<long[], long> Weights => new()
    {
        { [3, 2, 2, 3, 2], 1 },
        { [4, 3, 3, 3], 2 },
        { [5, 4, 3, 1, 1], 1 },
        { [2, 2, 1, 1], 1 },
    };

    [Theory]
    [MemberData(nameof(Weights))]
    public void AreTheForwardWeightsSwappedAndReversedExactly(long[] dims, long groups)
    {
        var random = new Random(11);
        var w = new float[dims.Aggregate(1L, (p, d) => p * d)];
        for (var i = 0; i < w.Length; i++)
        {
            // Wide exponents: a reversal that rounded or mixed two taps would show.
            w[i] = i % 7 == 3 ? -0f : (float)((random.NextDouble() - 0.5) * Math.Pow(2, random.Next(-40, 40)));
        }

        var prepared = OrtModelRunner.RunAll(PreparedWeights(dims, groups), w, dims).Values.Single();

        long coutPerGroup = dims[0] / groups, cin = dims[1], taps = w.Length / (dims[0] * cin);
        Assert.Equal([groups * cin, coutPerGroup, .. dims[2..]], prepared.Shape);
        for (long g = 0; g < groups; g++)
            for (long co = 0; co < coutPerGroup; co++)
                for (long ci = 0; ci < cin; ci++)
                    for (long t = 0; t < taps; t++)
                    {
                        var forward = w[((g * coutPerGroup + co) * cin + ci) * taps + (taps - 1 - t)];
                        var swapped = prepared.Data[((g * cin + ci) * coutPerGroup + co) * taps + t];
                        Assert.Equal(forward, swapped);
                    }
    }

    private static Onnx.Proto.ModelProto PreparedWeights(long[] dims, long groups)
    {
        var g = new GraphBuilder("prepared");
        var w = g.Input("w", DataType.Float, [.. dims.Select(d => (Dim)d)]);
        var context = new GradientContext(g, ShapeInference.Run(g.Graph));
        var prepared = ConvGradients.InputGradientWeights(context, w, dims, groups);
        long[] outDims = [dims[1] * groups, dims[0] / groups, .. dims[2..]];
        g.Output(prepared, DataType.Float, [.. outDims.Select(d => (Dim)d)]);
        return OnnxModels.Create(g.Graph);
    }
}
