using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Graphs;
using OnnxVideo.Onnx.Proto;
using OnnxVideo.Training.Sessions;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Training.Tests.Sessions;

/// <summary>
/// Issue 17 lever 24: blocked convs whose outputs are only summed accumulate into one buffer through the NCHWc Conv's
/// sum input; the chained graph computes the Sum of the convs as written, and a Sum whose terms are read elsewhere
/// is left alone.
/// </summary>
public sealed class NchwcSummedConvTests
{
    [NchwcFact]
    public void SummedBlockedConvsAccumulateIntoOneBufferAndComputeTheSum()
    {
        var model = SummedConvs(alsoOutput: null);
        var chained = model.Clone();
        Assert.Equal(3, NchwcConvRewrite.Rewrite(chained, CpuTrainingGraphs.BlockSize));
        Assert.DoesNotContain(chained.Graph.Node, n => n.OpType == "Sum");
        Assert.Single(chained.Graph.Node, n => n.OpType == "ReorderOutput");
        Assert.Equal(2, chained.Graph.Node.Count(n => n.OpType == "Conv" && n.Input.Count == 4));

        var random = new Random(5);
        float[] Values(long count) => Enumerable.Range(0, (int)count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var feeds = new Dictionary<string, (Array, long[])>();
        for (var k = 0; k < 3; k++)
        {
            feeds[$"x{k}"] = (Values(2 * 16 * 9 * 8), [2, 16, 9, 8]);
            feeds[$"w{k}"] = (Values(32 * 16 * 9), [32, 16, 3, 3]);
        }
        feeds["b"] = (Values(32), [32]);
        NchwcConvolutionTests.AssertSameOutput(model, chained, feeds);
    }

    [NchwcFact]
    public void ASumWhoseTermIsReadElsewhereKeepsItsTerms()
    {
        var model = SummedConvs(alsoOutput: "t1");
        Assert.Equal(3, NchwcConvRewrite.Rewrite(model, CpuTrainingGraphs.BlockSize));
        Assert.Single(model.Graph.Node, n => n.OpType == "Sum");
        Assert.Equal(3, model.Graph.Node.Count(n => n.OpType == "ReorderOutput"));
        Assert.DoesNotContain(model.Graph.Node, n => n.OpType == "Conv" && n.Input.Count == 4);
    }

    /// <summary>y = Σₖ Conv(xₖ, wₖ) over three 3×3 convs of 16 → 32 channels, the second with a bias.</summary>
    private static ModelProto SummedConvs(string? alsoOutput)
    {
        var g = new GraphBuilder("summed_convs");
        var bias = g.Input("b", DataType.Float, 32);
        var terms = new List<string>();
        for (var k = 0; k < 3; k++)
        {
            var conv = new NodeProto { OpType = "Conv", Name = $"conv{k}" };
            conv.Input.AddRange([g.Input($"x{k}", DataType.Float, 2, 16, 9, 8), g.Input($"w{k}", DataType.Float, 32, 16, 3, 3)]);
            if (k == 1)
            {
                conv.Input.Add(bias);
            }
            conv.Output.Add($"t{k}");
            conv.Attribute.Add(AttributeValues.Create("pads", new long[] { 1, 1, 1, 1 }));
            g.Graph.Node.Add(conv);
            terms.Add($"t{k}");
        }
        var sum = new NodeProto { OpType = "Sum", Name = "sum" };
        sum.Input.AddRange(terms);
        sum.Output.Add("y");
        g.Graph.Node.Add(sum);
        g.Output("y", DataType.Float);
        if (alsoOutput is not null)
        {
            g.Output(alsoOutput, DataType.Float);
        }
        return OnnxModels.Create(g.Graph);
    }
}
