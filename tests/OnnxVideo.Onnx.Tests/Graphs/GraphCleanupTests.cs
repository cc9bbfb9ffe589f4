using OnnxVideo.Onnx.Graphs;
using OnnxVideo.Onnx.Graphs.Cleanup;
using OnnxVideo.Onnx.Proto;
using OnnxVideo.Ort;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Onnx.Tests.Graphs;

/// <summary>The graph clean-up passes one by one, each checked against ONNX Runtime running the graph before and after.</summary>
public class GraphCleanupTests
{
    [Fact]
    public void DuplicatedSubgraphIsMergedAndItsReadersFollow()
    {
        var g = new GraphBuilder("duplicates");
        var x = g.Input("x", DataType.Float, 2, 3, 4);
        var w = g.Initializer("w", [0.5f, -2f, 3f, 1f], 4);
        var first = g.Node("Mul", [g.Node("Relu", [x], name: "relu_a"), w], name: "mul_a");
        var second = g.Node("Mul", [g.Node("Relu", [x], name: "relu_b"), w], name: "mul_b");
        var exposed = g.Node("Relu", [x], name: "relu_exposed");
        g.Node("Sub", [first, second], name: "y");
        g.Output("y", DataType.Float, 2, 3, 4);
        g.Output(exposed, DataType.Float, 2, 3, 4);
        var expected = RunFloats(g.Graph, 2);

        Assert.Equal(2, CommonSubexpressions.Merge(g.Graph));

        Assert.Equal(["relu_a", "mul_a", "relu_exposed", "y"], g.Graph.Node.Select(n => n.Name));
        Assert.Equal([first, first], g.Graph.Node.Single(n => n.Name == "y").Input);
        Assert.Equal(expected, RunFloats(g.Graph, 2));
    }

    [Fact]
    public void RandomNodesAndDropoutAreNeverMerged()
    {
        var g = new GraphBuilder("random");
        var x = g.Input("x", DataType.Float, 2, 3, 4);
        var uniform = new Dictionary<string, object> { ["seed"] = 3f };
        var a = g.Node("RandomUniformLike", [x], uniform, name: "draw_a");
        var b = g.Node("RandomUniformLike", [x], uniform, name: "draw_b");
        var ratio = g.Constant(0.5f);
        var training = g.AddInitializer(new TensorProto { Name = "training", DataType = (int)DataType.Bool, Int32Data = { 1 } });
        var dropA = g.Node("Dropout", [x, ratio, training], name: "dropout_a");
        var dropB = g.Node("Dropout", [x, ratio, training], name: "dropout_b");
        g.Node("Sum", [a, b, dropA, dropB], name: "y");
        g.Output("y", DataType.Float, 2, 3, 4);

        Assert.Equal(0, CommonSubexpressions.Merge(g.Graph));
        Assert.Equal(5, g.Graph.Node.Count);
    }

    [Fact]
    public void EqualConstantsMergeWhateverTheirTensorsAreCalled()
    {
        var g = new GraphBuilder("constants");
        var x = g.Input("x", DataType.Float, 2, 3, 4);
        var one = g.Node("Constant", [], new Dictionary<string, object> { ["value"] = TensorProtos.FromFloats("one", [1f], 1) }, name: "one");
        var alsoOne = g.Node("Constant", [], new Dictionary<string, object> { ["value"] = TensorProtos.FromFloats("also_one", [1f], 1) }, name: "also_one");
        var two = g.Node("Constant", [], new Dictionary<string, object> { ["value"] = TensorProtos.FromFloats("two", [2f], 1) }, name: "two");
        g.Node("Sum", [g.Node("Add", [x, one]), g.Node("Add", [x, alsoOne]), g.Node("Add", [x, two])], name: "y");
        g.Output("y", DataType.Float, 2, 3, 4);
        var expected = RunFloats(g.Graph, 2);

        // also_one, then the Add reading it.
        Assert.Equal(2, CommonSubexpressions.Merge(g.Graph));
        Assert.Equal(expected, RunFloats(g.Graph, 2));
    }

    [Fact]
    public void ShapeOfAStaticTensorFoldsAndTheArithmeticOnItToo()
    {
        var g = ReshapeByOwnShape(batch: 2);
        var expected = RunFloats(g.Graph, 2);

        Assert.Equal(5, ShapeArithmeticFolding.Fold(g.Graph));
        DeadNodes.Remove(g.Graph);

        Assert.Equal(["Constant", "Reshape"], g.Graph.Node.Select(n => n.OpType));
        var target = ConstantNodes.Value(g.Graph.Node[0])!;
        Assert.Equal([-1L, 4], target.Int64Data);
        Assert.Equal(expected, RunFloats(g.Graph, 2));
    }

    [Fact]
    public void ShapeOfADynamicBatchStaysButItsStaticDimsFold()
    {
        var g = ReshapeByOwnShape(batch: null);
        var batch = g.Graph.Node.Single(n => n.OpType == "Shape");
        var trailing = g.Node("Shape", ["x"], new Dictionary<string, object> { ["start"] = 1L }, name: "trailing");
        g.Output(trailing, DataType.Int64, 2);
        g.Output(g.Node("Size", ["x"], name: "count"), DataType.Int64);
        var expected = RunFloats(g.Graph, 2);

        Assert.Equal(1, ShapeArithmeticFolding.Fold(g.Graph));

        Assert.Equal("Shape", batch.OpType);
        Assert.Equal("Size", g.Graph.Node.Single(n => n.Name == "count").OpType);
        Assert.Equal([3L, 4], ConstantNodes.Value(g.Graph.Node.Single(n => n.Name == "trailing"))!.Int64Data);
        Assert.Equal(expected, RunFloats(g.Graph, 2));
        // Still correct for another batch size: the batch dim is read at run time.
        Assert.Equal([5 * 3, 4], RunShape(g.Graph, 5));
    }

    public static TheoryData<string> FolderCases =>
    [
        "Gather", "Slice", "SliceBackwards", "Concat", "Unsqueeze", "Squeeze", "CastInt32", "AddBroadcast", "Sub", "Mul", "DivNegative",
        "EqualWhere", "Reshape", "ConstantOfShape", "Size",
    ];

    [Theory]
    [MemberData(nameof(FolderCases))]
    public void EachFolderComputesWhatOnnxRuntimeComputes(string name)
    {
        var g = new GraphBuilder(name);
        var v = g.Constant([2L, 3, 5, 7]);
        var m = g.Initializer("m", [1L, -4, 9, 16, -25, 36], 2, 3);
        var y = name switch
        {
            "Gather" => g.Node("Gather", [v, g.Constant([-1L, 0, 2])]),
            "Slice" => g.Node("Slice", [v, g.Constant([-3L]), g.Constant([long.MaxValue])]),
            "SliceBackwards" => g.Node("Slice", [v, g.Constant([-1L]), g.Constant([long.MinValue]), g.Constant([0L]), g.Constant([-2L])]),
            "Concat" => g.Node("Concat", [v, g.Constant([11L]), v], new Dictionary<string, object> { ["axis"] = 0L }),
            "Unsqueeze" => g.Node("Unsqueeze", [v, g.Constant([0L, -1])]),
            "Squeeze" => g.Node("Squeeze", [g.Node("Unsqueeze", [m, g.Constant([1L])]), g.Constant([1L])]),
            "CastInt32" => g.Node("Cast", [g.Node("Cast", [m], new Dictionary<string, object> { ["to"] = (long)DataType.Int32 })],
                new Dictionary<string, object> { ["to"] = (long)DataType.Int64 }),
            "AddBroadcast" => g.Node("Add", [m, g.Initializer("column", [100L, 200], 2, 1)]),
            "Sub" => g.Node("Sub", [v, g.Constant([10L])]),
            "Mul" => g.Node("Mul", [m, g.Constant([-3L, 2, 1])]),
            "DivNegative" => g.Node("Div", [m, g.Constant([2L, -3, 4])]),
            "EqualWhere" => g.Node("Where", [g.Node("Equal", [v, g.Constant([2L, 0, 5, 0])]), v, g.Constant([-1L])]),
            "Reshape" => g.Node("Reshape", [m, g.Constant([0L, -1, 1])]),
            "Size" => g.Node("Size", [m]),
            _ => g.Node("ConstantOfShape", [g.Constant([2L, 3])], new Dictionary<string, object> { ["value"] = TensorProtos.FromInt64s("fill", [7L], 1) }),
        };
        g.Output(y, DataType.Int64);
        g.Graph.Output[0].Type.TensorType.Shape = null;
        var expected = RunInts(g.Graph);

        Assert.True(ShapeArithmeticFolding.Fold(g.Graph) > 0);
        DeadNodes.Remove(g.Graph);

        Assert.Equal(["Constant"], g.Graph.Node.Select(n => n.OpType));
        Assert.Equal(expected, RunInts(g.Graph));
    }

    [Fact]
    public void DivisionByZeroAndFloatMathAreNotFolded()
    {
        var g = new GraphBuilder("unfoldable");
        var byZero = g.Node("Div", [g.Constant([4L]), g.Constant([0L])]);
        var floats = g.Node("Add", [g.Constant(1f), g.Constant(2f)]);
        g.Output(byZero, DataType.Int64, 1);
        g.Output(floats, DataType.Float, 1);

        Assert.Equal(0, ShapeArithmeticFolding.Fold(g.Graph));
    }

    [Fact]
    public void DefaultsOfGraphInputsAreNeitherConstantsNorKnownShapes()
    {
        var g = new GraphBuilder("defaults");
        var offset = g.Initializer("offset", [1L, 2], 2);
        g.Graph.Input.Add(GraphBuilder.ValueInfo(offset, DataType.Int64, 2));
        var table = g.Initializer("table", [1f, 2f, 3f], 3);
        g.Graph.Input.Add(GraphBuilder.ValueInfo(table, DataType.Float, "L"));
        g.Output(g.Node("Add", [offset, g.Constant([10L])]), DataType.Int64, 2);
        g.Output(g.Node("Shape", [table]), DataType.Int64, 1);

        Assert.Equal(0, ShapeArithmeticFolding.Fold(g.Graph));
    }

    [Fact]
    public void DeadNodesAndUnusedInitializersGoButDeclaredInputsStay()
    {
        var g = new GraphBuilder("dead");
        var x = g.Input("x", DataType.Float, 2, 3, 4);
        g.Input("unused_input", DataType.Float, 1);
        var w = g.Initializer("w", [2f], 1);
        var unused = g.Initializer("unused_weight", [3f], 1);
        var defaulted = g.Initializer("defaulted", [1f], 1);
        g.Graph.Input.Add(GraphBuilder.ValueInfo(defaulted, DataType.Float, 1));
        g.Node("Mul", [g.Node("Relu", [x], name: "dead_relu"), unused], name: "dead_mul");
        g.Node("Mul", [x, w], name: "y");
        g.Output("y", DataType.Float, 2, 3, 4);
        g.Graph.ValueInfo.Add(GraphBuilder.ValueInfo("dead_relu", DataType.Float, 2, 3, 4));

        Assert.Equal((2, 1), DeadNodes.Remove(g.Graph));

        Assert.Equal(["y"], g.Graph.Node.Select(n => n.Name));
        Assert.Equal(["w", "defaulted"], g.Graph.Initializer.Select(t => t.Name));
        Assert.Equal(["x", "unused_input", "defaulted"], g.Graph.Input.Select(v => v.Name));
        Assert.Empty(g.Graph.ValueInfo);
    }

    [Fact]
    public void CleanupRunsThePassesInTurnAndReportsThem()
    {
        var g = ReshapeByOwnShape(batch: 2);
        // A second copy of the shape arithmetic: equal once folded.
        var copy = g.Node("Reshape", ["x", g.Node("Concat", [g.Constant([-1L]), g.Node("Gather", [g.Node("Shape", ["x"]), g.Constant([2L])])],
            new Dictionary<string, object> { ["axis"] = 0L })]);
        g.Node("Add", ["y", copy], name: "sum");
        g.Graph.Output[0].Name = "sum";
        var expected = RunFloats(g.Graph, 2);

        var report = GraphCleanup.Run(g.Graph);

        Assert.Equal(report.NodesBefore - report.Merged - report.DeadNodes, report.NodesAfter);
        Assert.True(report.Folded >= 4);
        Assert.Equal(["Constant", "Reshape", "Add"], g.Graph.Node.Select(n => n.OpType));
        Assert.Equal(expected, RunFloats(g.Graph, 2));
    }

    /// <summary>x [batch or N, 3, 4] reshaped to [-1, x.shape[2]] through Shape → Gather → Unsqueeze → Concat.</summary>
    private static GraphBuilder ReshapeByOwnShape(long? batch)
    {
        var g = new GraphBuilder("reshape");
        var x = g.Input("x", DataType.Float, batch is { } b ? b : "N", 3, 4);
        var last = g.Node("Gather", [g.Node("Shape", [x]), g.Constant([2L])]);
        var target = g.Node("Concat", [g.Constant([-1L]), g.Node("Squeeze", [g.Node("Unsqueeze", [last, g.Constant([0L])]), g.Constant([0L])])],
            new Dictionary<string, object> { ["axis"] = 0L });
        g.Node("Reshape", [x, target], name: "y");
        g.Output("y", DataType.Float, "M", 4);
        return g;
    }

    private static float[] RunFloats(GraphProto graph, long batch) => Run(graph, batch, outputs => outputs[0].ToArray<float>());

    private static long[] RunShape(GraphProto graph, long batch) => Run(graph, batch, outputs => outputs[0].Shape);

    /// <summary>The first output's shape, a separator, then its elements.</summary>
    private static long[] RunInts(GraphProto graph) => Run<long[]>(graph, batch: null, outputs => [.. outputs[0].Shape, -99, .. outputs[0].ToArray<long>()]);

    /// <summary>Runs the graph on ORT, with x [batch, 3, 4] when <paramref name="batch"/> is given.</summary>
    private static T Run<T>(GraphProto graph, long? batch, Func<OrtValue[], T> read)
    {
        using var session = new OrtSession(OnnxModelFile.ToBytes(OnnxModels.Create(graph, 17)), new OrtSessionOptions { IntraOpThreads = 1 });
        using var input = batch is { } n ? OrtValue.CreateTensor(Enumerable.Range(0, (int)n * 12).Select(i => (i - 11.5f) / 7).ToArray(), n, 3, 4) : null;
        var outputs = input is null ? session.Run([], []) : session.Run(["x"], [input]);
        try
        {
            return read(outputs);
        }
        finally
        {
            foreach (var o in outputs)
            {
                o.Dispose();
            }
        }
    }
}
