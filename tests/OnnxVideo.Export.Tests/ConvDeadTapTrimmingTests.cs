using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Graphs;
using OnnxVideo.Ort;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;
using Case = OnnxVideo.Export.Tests.Conv3dTapStackingTests.Case;

namespace OnnxVideo.Export.Tests;

/// <summary>
/// Issue 17 lever 15: <see cref="ConvDeadTapTrimming"/> cuts exactly the outer kernel taps that read only padding
/// (kernel and pads worked out by hand per case) and the trimmed Conv gives ORT's output and x, w, b gradients of the
/// untrimmed one; convs whose every tap reads input stay as they are.
/// </summary>
public sealed class ConvDeadTapTrimmingTests
{
    /// <param name="Cut">The op that cuts the weight: a Slice, or a MatMul where the kept taps are single elements apart.</param>
    public sealed record Trim(Case Conv, long[]? Kernel, long[]? Pads, string? Cut = null)
    {
        public override string ToString() => Conv.Name;
    }

    public static TheoryData<Trim> Trims() =>
    [
        // One frame, pad 1: only the middle temporal tap reads the frame (r3d_18's layer4).
        new(new("3x3x3 on one frame", [2, 3, 1, 5, 5], [4, 3, 3, 3, 3], [1, 1, 1], [1, 1, 1, 1, 1, 1], [1, 1, 1], Bias: true), [1, 3, 3], [0, 1, 1, 0, 1, 1], "Slice"),
        // R(2+1)D's temporal (3,1,1) conv on one frame.
        new(new("3x1x1 on one frame", [2, 4, 1, 3, 3], [5, 4, 3, 1, 1], [1, 1, 1], [1, 0, 0, 1, 0, 0], [1, 1, 1], Bias: false), [1, 1, 1], [0, 0, 0, 0, 0, 0], "MatMul"),
        // Two frames, stride 2, pad 1: the one output reads frames −1, 0, 1, so only the first tap is dead (layer4.0.conv1).
        new(new("3x3x3 stride 2 on two frames", [1, 3, 2, 6, 6], [4, 3, 3, 3, 3], [2, 2, 2], [1, 1, 1, 1, 1, 1], [1, 1, 1], Bias: true), [2, 3, 3], [0, 1, 1, 1, 1, 1], "Slice"),
        // Dilation 2, pad 2 on one frame: taps at −2, 0, +2.
        new(new("dilated on one frame", [1, 2, 1, 4, 4], [3, 2, 3, 3, 3], [1, 1, 1], [2, 1, 1, 2, 1, 1], [2, 1, 1], Bias: false), [1, 3, 3], [0, 1, 1, 0, 1, 1], "Slice"),
        // Spatial axes too: a 3×3 kernel over a 1×1 image.
        new(new("3x3x3 on one pixel", [1, 3, 4, 1, 1], [2, 3, 3, 3, 3], [1, 1, 1], [1, 1, 1, 1, 1, 1], [1, 1, 1], Bias: true), [3, 1, 1], [1, 0, 0, 1, 0, 0], "MatMul"),
        // Asymmetric: no pad in front, two behind, two frames: the last tap reads only padding.
        new(new("asymmetric pads", [1, 2, 2, 3, 3], [3, 2, 3, 1, 1], [1, 1, 1], [0, 0, 0, 2, 0, 0], [1, 1, 1], Bias: false), [2, 1, 1], [0, 0, 0, 1, 0, 0], "MatMul"),
        // Every tap reads a frame for some output: nothing to cut.
        new(new("3x3x3 on five frames", [1, 3, 5, 5, 5], [4, 3, 3, 3, 3], [1, 1, 1], [1, 1, 1, 1, 1, 1], [1, 1, 1], Bias: false), null, null),
    ];

    [Theory]
    [MemberData(nameof(Trims))]
    public void CutsTheTapsThatReadOnlyPaddingAndKeepsOutputsAndGradients(Trim t)
    {
        var plain = Conv3dTapStackingTests.Graph(t.Conv, rewrite: null);
        var trimmed = Conv3dTapStackingTests.Graph(t.Conv, g => Assert.Equal(t.Kernel is null ? 0 : 1, ConvDeadTapTrimming.Rewrite(g)));
        var conv = trimmed.Graph.Node.Single(n => n.Name == "conv");
        if (t.Kernel is null)
        {
            Assert.Equal("w", conv.Input[1]);
            Assert.DoesNotContain(conv.Attribute, a => a.Name == "kernel_shape");
        }
        else
        {
            Assert.Equal(t.Kernel, AttributeValues.Ints(conv, "kernel_shape", []));
            Assert.Equal(t.Pads, AttributeValues.Ints(conv, "pads", []));
            var cut = trimmed.Graph.Node.Single(n => n.Output.Contains(conv.Input[1]));
            Assert.Equal(t.Cut, cut.OpType == "Reshape" ? trimmed.Graph.Node.Single(n => n.Output.Contains(cut.Input[0])).OpType : cut.OpType);
        }
        Conv3dTapStackingTests.AssertSameOutputsAndGradients(t.Conv, plain, trimmed);
    }

    /// <summary>The selection MatMul is float32: a float16 model's (3,1,1) kernel over one frame is cut by a Slice, and ORT loads it.</summary>
    [Fact]
    public void AFloat16KernelOfSingleTapsIsCutByASliceThatOrtLoads()
    {
        var g = new GraphBuilder("fp16");
        var x = g.Input("x", DataType.Float16, 2, 4, 1, 3, 3);
        var w = g.Input("w", DataType.Float16, 5, 4, 3, 1, 1);
        var y = g.Node("Conv", [x, w], new Dictionary<string, object> { ["pads"] = new long[] { 1, 0, 0, 1, 0, 0 } }, "conv");
        g.Output(y, DataType.Float16);

        Assert.Equal(1, ConvDeadTapTrimming.Rewrite(g.Graph));

        var conv = g.Graph.Node.Single(n => n.Name == "conv");
        Assert.Equal("Slice", g.Graph.Node.Single(n => n.Output.Contains(conv.Input[1])).OpType);
        using var session = new OrtSession(OnnxModelFile.ToBytes(OnnxModels.Create(g.Graph)), new OrtSessionOptions { IntraOpThreads = 1 });
        Assert.Equal(["x", "w"], session.InputNames);
    }
}
