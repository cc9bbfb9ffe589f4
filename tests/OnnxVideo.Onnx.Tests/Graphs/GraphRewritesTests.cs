using OnnxVideo.Onnx.Graphs;
using OnnxVideo.Onnx.Proto;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;
using static OnnxVideo.Onnx.Tests.Graphs.GraphViewTests;

namespace OnnxVideo.Onnx.Tests.Graphs;

public class GraphRewritesTests
{
    [Fact]
    public void PruneKeepsWhatTheOutputsNeed()
    {
        var graph = Diamond();
        graph.Input.Add(GraphBuilder.ValueInfo("labels", DataType.Int64, 2));
        graph.Initializer.Add(TensorProtos.FromFloats("stale", [0f], 1));
        graph.ValueInfo.Add(GraphBuilder.ValueInfo("unused", DataType.Float, 2));
        graph.ValueInfo.Add(GraphBuilder.ValueInfo("sq", DataType.Float, 2));
        GraphRewrites.Prune(graph);
        Assert.Equal(["relu", "square", "add"], graph.Node.Select(n => n.Name));
        Assert.Equal(["w"], graph.Initializer.Select(t => t.Name));
        Assert.Equal(["x"], graph.Input.Select(v => v.Name));
        Assert.Equal(["sq"], graph.ValueInfo.Select(v => v.Name));
    }

    [Fact]
    public void PruneCanKeepTheInterfaceAndStartFromChosenValues()
    {
        var graph = Diamond();
        graph.Input.Add(GraphBuilder.ValueInfo("labels", DataType.Int64, 2));
        graph.Input.Add(GraphBuilder.ValueInfo("w", DataType.Float, 2));
        GraphRewrites.Prune(graph, ["r"], keepInputs: true);
        Assert.Equal(["relu"], graph.Node.Select(n => n.Name));
        Assert.Empty(graph.Initializer);
        Assert.Equal(["x", "labels"], graph.Input.Select(v => v.Name));
    }

    [Fact]
    public void CutAtMakesTheValueAnInputAndDropsWhatComputedIt()
    {
        var graph = Diamond();
        var missing = GraphRewrites.CutAt(graph, GraphBuilder.ValueInfo("sq", DataType.Float, 2));
        Assert.Empty(missing);
        Assert.Equal(["add"], graph.Node.Select(n => n.Name));
        Assert.Equal(["x", "sq"], graph.Input.Select(v => v.Name));
        Assert.Equal(["w"], graph.Initializer.Select(t => t.Name));
    }

    [Fact]
    public void CutAtReportsValuesComputedBeforeTheCutAndUsedAfterIt()
    {
        var graph = Diamond();
        graph.Node.Add(Node("Sub", "skip", ["y", "r"], ["z"]));
        graph.Output.Add(GraphBuilder.ValueInfo("z", DataType.Float, 2));
        Assert.Equal(["r"], GraphRewrites.CutAt(graph, GraphBuilder.ValueInfo("sq", DataType.Float, 2)));
    }

    [Fact]
    public void RenameValueReachesEveryMentionButNotAShadowingSubgraph()
    {
        var graph = Diamond();
        graph.ValueInfo.Add(GraphBuilder.ValueInfo("r", DataType.Float, 2));
        var reads = new GraphProto { Name = "reads" };
        reads.Node.Add(Node("Identity", "i1", ["r"], ["o1"]));
        reads.Output.Add(new ValueInfoProto { Name = "o1" });
        var shadows = new GraphProto { Name = "shadows" };
        shadows.Node.Add(Node("Identity", "i2", ["x"], ["r"]));
        shadows.Output.Add(new ValueInfoProto { Name = "r" });
        graph.Node.Add(Node("If", "if", ["c"], ["z"], AttributeValues.Create("then_branch", reads), AttributeValues.Create("else_branch", shadows)));

        GraphRewrites.RenameValue(graph, "r", "relu_out");
        GraphRewrites.RenameValue(graph, "y", "logits");
        GraphRewrites.RenameValue(graph, "w", "weight");
        Assert.Equal(["relu_out"], graph.Node[0].Output);
        Assert.Equal(["relu_out", "relu_out"], graph.Node[1].Input);
        Assert.Equal(["sq", "weight"], graph.Node[2].Input);
        Assert.Equal("logits", graph.Output[0].Name);
        Assert.Equal("weight", graph.Initializer[0].Name);
        Assert.Equal("relu_out", graph.ValueInfo[0].Name);
        Assert.Equal(["relu_out"], reads.Node[0].Input);
        Assert.Equal(["r"], shadows.Node[0].Output);
        Assert.Equal("r", shadows.Output[0].Name);
    }

    [Fact]
    public void SortTopologicallyReordersNodesListedBeforeTheirProducers()
    {
        var graph = Diamond();
        var shuffled = new[] { graph.Node[2], graph.Node[0], graph.Node[3], graph.Node[1] };
        graph.Node.Clear();
        graph.Node.AddRange(shuffled);
        GraphRewrites.SortTopologically(graph);
        Assert.Equal(["relu", "square", "add", "dead"], graph.Node.Select(n => n.Name));
    }

    [Fact]
    public void MoveAppendedNodesPutsThemAtTheGivenPositionInTheirOrder()
    {
        var graph = Diamond();
        graph.Node.Add(Node("Abs", "a1", ["r"], ["a"]));
        graph.Node.Add(Node("Abs", "a2", ["a"], ["b"]));
        GraphRewrites.MoveAppendedNodes(graph, 4, 1);
        Assert.Equal(["relu", "a1", "a2", "square", "add", "dead"], graph.Node.Select(n => n.Name));
        Assert.Throws<ArgumentOutOfRangeException>(() => GraphRewrites.MoveAppendedNodes(graph, 2, 3));
    }
}
