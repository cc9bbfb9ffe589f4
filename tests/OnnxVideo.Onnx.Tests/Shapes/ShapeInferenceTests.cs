using OnnxVideo.Onnx.Shapes;
using OnnxVideo.Onnx;
using OnnxVideo.Ort;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Onnx.Tests.Shapes;

/// <summary>Shape inference checked against the shapes ONNX Runtime really produces.</summary>
public sealed class ShapeInferenceTests
{
    public static TheoryData<string> Ops => ["Transpose", "Reshape", "Concat", "Slice", "Split", "Gather", "Expand", "Pad", "Tile", "SpaceToDepth", "Unsqueeze", "Squeeze", "Add"];

    [Theory]
    [MemberData(nameof(Ops))]
    public void InferredShapeMatchesOnnxRuntime(string op)
    {
        var g = new GraphBuilder("shapes");
        var x = g.Input("x", DataType.Float, 2, 3, 4);
        var y = op switch
        {
            "Transpose" => g.Node("Transpose", [x], new Dictionary<string, object> { ["perm"] = new long[] { 2, 0, 1 } }),
            "Reshape" => g.Node("Reshape", [x, g.Constant([4L, -1L])]),
            "Concat" => g.Node("Concat", [x, x], new Dictionary<string, object> { ["axis"] = -1L }),
            "Slice" => g.Node("Slice", [x, g.Constant([1L]), g.Constant([4L]), g.Constant([2L]), g.Constant([2L])]),
            "Split" => g.NodeMulti("Split", [x, g.Constant([1L, 3L])], 2, new Dictionary<string, object> { ["axis"] = 2L })[1],
            "Gather" => g.Node("Gather", [x, g.Constant([0L, 2L, 1L])], new Dictionary<string, object> { ["axis"] = 1L }),
            "Expand" => g.Node("Expand", [x, g.Constant([5L, 2L, 1L, 4L])]),
            "Pad" => g.Node("Pad", [x, g.Constant([0L, 1L, 2L, 0L, 1L, 0L])]),
            "Tile" => g.Node("Tile", [x, g.Constant([2L, 1L, 3L])]),
            "SpaceToDepth" => g.Node("SpaceToDepth", [g.Node("Reshape", [x, g.Constant([1L, 6L, 2L, 2L])])], new Dictionary<string, object> { ["blocksize"] = 2L }),
            "Unsqueeze" => g.Node("Unsqueeze", [x, g.Constant([0L, 4L])]),
            "Squeeze" => g.Node("Squeeze", [g.Node("Unsqueeze", [x, g.Constant([1L])]), g.Constant([1L])]),
            _ => g.Node("Add", [x, g.Initializer("b", new float[4], 1, 1, 4)]),
        };
        g.Output(y, DataType.Float);
        var model = OnnxModels.Create(g.Graph);

        var inferred = ShapeInference.Run(model.Graph).ShapeOf(y);
        using var session = new OrtSession(OnnxModelFile.ToBytes(model), new OrtSessionOptions { IntraOpThreads = 1 });
        using var input = OrtValue.CreateTensor(new float[24], 2, 3, 4);
        using var output = session.Run(["x"], [input])[0];

        Assert.NotNull(inferred);
        Assert.Equal(output.Shape, inferred.Dims.Select(d => d.Value ?? -1).ToArray());
    }

    [Fact]
    public void SplitSizesKnownOnlyAtRunTimeAreUnknown()
    {
        var g = new GraphBuilder("split");
        var x = g.Input("x", DataType.Float, 2, 6);
        var sizes = g.Input("sizes", DataType.Int64, 2);
        var parts = g.NodeMulti("Split", [x, sizes], 2, new Dictionary<string, object> { ["axis"] = 1L });
        var shapes = ShapeInference.Run(g.Graph);
        Assert.All(parts, part => Assert.False(shapes.ShapeOf(part)?[1].IsKnown ?? false));
        Assert.Equal(2, shapes.ShapeOf(parts[0])?[0].Value);
    }

    /// <summary>
    /// The 2-D lowering's round trip: [N, 8, 3, 4] merged to [N·8, 3, 4] (the symbol times 8) and split back to
    /// [N, 8, 12] recovers N, so gradients of values on either side need no Shape node.
    /// </summary>
    [Fact]
    public void MergedSymbolicBatchIsRecoveredWhenSplitAgain()
    {
        var g = new GraphBuilder("merge");
        var x = g.Input("x", DataType.Float, "N", 8, 3, 4);
        var merged = g.Node("Reshape", [x, g.Constant([-1L, 3, 4])]);
        var flat = g.Node("Flatten", [x], new Dictionary<string, object> { ["axis"] = 2L });
        var split = g.Node("Reshape", [merged, g.Constant([-1L, 8, 12])]);
        var halved = g.Node("Reshape", [merged, g.Constant([-1L, 2, 3, 4])]);
        var shapes = ShapeInference.Run(g.Graph);
        Assert.Equal("N*8", shapes.ShapeOf(merged)![0].Symbol);
        Assert.Equal("N*8", shapes.ShapeOf(flat)![0].Symbol);
        Assert.Equal("N", shapes.ShapeOf(split)![0].Symbol);
        Assert.Equal("N*4", shapes.ShapeOf(halved)![0].Symbol);
        Assert.Equal([8L, 12], shapes.ShapeOf(split)!.Dims.Skip(1).Select(d => d.Value!.Value));
    }

    [Fact]
    public void KnownUnequalDimensionsCannotBroadcast()
    {
        var g = new GraphBuilder("broadcast");
        var a = g.Input("a", DataType.Float, 2, 3);
        var b = g.Input("b", DataType.Float, 2, 4);
        g.Node("Add", [a, b], name: "bad_add");
        var error = Assert.Throws<ShapeInferenceException>(() => ShapeInference.Run(g.Graph));
        Assert.Contains("node 'bad_add' (Add)", error.Message);
        Assert.Contains("3 and 4", error.Message);
    }

    public static TheoryData<string> RuntimeShapeOps => ["Expand", "Reshape", "Tile", "ConstantOfShape", "Slice", "Gemm"];

    /// <summary>A shape input whose elements are known only at run time still gives the output's rank (and every
    /// dim that does not depend on it), as torch.onnx.export's <c>expand(x.size(0), -1)</c> chains need.</summary>
    [Theory]
    [MemberData(nameof(RuntimeShapeOps))]
    public void RankSurvivesShapeInputsKnownOnlyAtRunTime(string op)
    {
        var g = new GraphBuilder("runtime_shapes");
        var x = g.Input("x", DataType.Float, 1, 4);
        var t = g.Input("t", DataType.Int64, 2);
        var y = op switch
        {
            "Expand" => g.Node("Expand", [x, g.Node("Concat", [g.Constant([3L]), t], new Dictionary<string, object> { ["axis"] = 0L })]),
            "Reshape" => g.Node("Reshape", [x, t]),
            "Tile" => g.Node("Tile", [x, t]),
            "ConstantOfShape" => g.Node("ConstantOfShape", [t]),
            "Slice" => g.Node("Slice", [x, g.Node("Slice", [t, g.Constant([0L]), g.Constant([1L])]), g.Constant([3L]), g.Constant([1L])]),
            _ => g.Node("Gemm", [g.Node("Reshape", [x, t]), g.Initializer("w", new float[8], 4, 2)]),
        };
        g.Output(y, DataType.Float);
        var model = OnnxModels.Create(g.Graph);
        long[] tValue = op == "Slice" ? [1, 0] : op == "Tile" ? [2, 1] : [1, 4];

        var inferred = ShapeInference.Run(model.Graph).ShapeOf(y);
        using var session = new OrtSession(OnnxModelFile.ToBytes(model), new OrtSessionOptions { IntraOpThreads = 1 });
        using var xValue = OrtValue.CreateTensor(new float[4], 1, 4);
        using var tTensor = OrtValue.CreateTensor(tValue, 2);
        using var output = session.Run(["x", "t"], [xValue, tTensor])[0];

        Assert.NotNull(inferred);
        Assert.Equal(output.Shape.Length, inferred.Rank);
        for (int i = 0; i < inferred.Rank; i++)
            if (inferred[i].Value is long known) Assert.Equal(output.Shape[i], known);
        if (op is "Expand" or "Slice" or "Gemm") Assert.Contains(inferred.Dims, d => d.IsKnown);
    }
}
