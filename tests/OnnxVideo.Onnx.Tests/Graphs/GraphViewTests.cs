using OnnxVideo.Onnx.Graphs;
using OnnxVideo.Onnx.Proto;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Onnx.Tests.Graphs;

public class GraphViewTests
{
    internal static NodeProto Node(string opType, string name, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = name };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        return node;
    }

    /// <summary>x → relu → r; Mul(r, r) → sq; Add(sq, w) → y; Neg(x) → dead. w is an initializer.</summary>
    internal static GraphProto Diamond()
    {
        var graph = new GraphProto { Name = "g" };
        graph.Input.Add(GraphBuilder.ValueInfo("x", DataType.Float, 2));
        graph.Output.Add(GraphBuilder.ValueInfo("y", DataType.Float, 2));
        graph.Initializer.Add(TensorProtos.FromFloats("w", [1f, 2f], 2));
        graph.Node.Add(Node("Relu", "relu", ["x"], ["r"]));
        graph.Node.Add(Node("Mul", "square", ["r", "r"], ["sq"]));
        graph.Node.Add(Node("Add", "add", ["sq", "w"], ["y"]));
        graph.Node.Add(Node("Neg", "dead", ["x"], ["unused"]));
        return graph;
    }

    [Fact]
    public void ProducersAndConsumersWithTheirInputPositions()
    {
        var graph = Diamond();
        var view = new GraphView(graph);
        Assert.Equal("square", view.Producer("sq")!.Name);
        Assert.Null(view.Producer("x"));
        Assert.Equal([("square", 0), ("square", 1)], view.Consumers("r").Select(u => (u.Node.Name, u.Input)));
        Assert.Equal([("relu", 0), ("dead", 0)], view.Consumers("x").Select(u => (u.Node.Name, u.Input)));
        Assert.Empty(view.Consumers("y"));
        Assert.True(view.IsGraphInput("x"));
        Assert.True(view.IsGraphOutput("y"));
        Assert.False(view.IsGraphOutput("sq"));
        Assert.Same(graph.Initializer[0], view.Initializer("w"));
    }

    [Fact]
    public void ConstantsComeFromInitializersAndEveryFormOfConstantNode()
    {
        var graph = Diamond();
        graph.Node.Add(Node("Constant", "c1", [], ["tensor"], AttributeValues.Create("value", TensorProtos.FromInt64s("", [4, 5], 2))));
        graph.Node.Add(Node("Constant", "c2", [], ["ints"], AttributeValues.Create("value_ints", new long[] { 3, 1, 2 })));
        graph.Node.Add(Node("Constant", "c3", [], ["float"], AttributeValues.Create("value_float", 0.5f)));
        graph.Node.Add(Node("Constant", "c4", [], ["int"], AttributeValues.Create("value_int", 0L)));
        var view = new GraphView(graph);
        Assert.Equal(new[] { 1f, 2f }, TensorProtos.ToFloats(view.Constant("w")!));
        Assert.Equal(new long[] { 4, 5 }, TensorProtos.ToInt64s(view.Constant("tensor")!));
        var ints = view.Constant("ints")!;
        Assert.Equal(new long[] { 3 }, ints.Dims);
        Assert.Equal(new long[] { 3, 1, 2 }, TensorProtos.ToInt64s(ints));
        var scalar = view.Constant("float")!;
        Assert.Empty(scalar.Dims);
        Assert.Equal(new[] { 0.5f }, TensorProtos.ToFloats(scalar));
        Assert.Equal(new long[] { 0 }, TensorProtos.ToInt64s(view.Constant("int")!));
        Assert.Null(view.Constant("sq"));
        Assert.Null(view.Constant("x"));
    }

    [Fact]
    public void AncestorsFollowInputsAndValuesSubgraphsReadFromOuterScope()
    {
        var graph = Diamond();
        Assert.Equal(["add", "relu", "square"], new GraphView(graph).Ancestors("y").Select(n => n.Name).Order());
        Assert.Empty(new GraphView(graph).Ancestors("x"));

        // An If branch reading "sq" without listing it as an input still depends on it.
        var branch = new GraphProto { Name = "then" };
        branch.Node.Add(Node("Identity", "inner", ["sq"], ["b"]));
        branch.Output.Add(new ValueInfoProto { Name = "b" });
        graph.Node.Add(Node("Greater", "cond", ["x", "w"], ["c"]));
        graph.Node.Add(Node("If", "if", ["c"], ["z"], AttributeValues.Create("then_branch", branch), AttributeValues.Create("else_branch", branch.Clone())));
        Assert.Equal(["cond", "if", "relu", "square"], new GraphView(graph).Ancestors("z").Select(n => n.Name).Order());
    }

    [Fact]
    public void TopologicalOrderPutsProducersFirstAndKeepsAnOrderedGraphAsItIs()
    {
        var graph = Diamond();
        Assert.Equal(["relu", "square", "add", "dead"], new GraphView(graph).TopologicalOrder().Select(n => n.Name));
        var shuffled = graph.Clone();
        shuffled.Node.Clear();
        shuffled.Node.AddRange([graph.Node[2], graph.Node[3], graph.Node[1], graph.Node[0]]);
        Assert.Equal(["relu", "square", "add", "dead"], new GraphView(shuffled).TopologicalOrder().Select(n => n.Name));
    }

    [Fact]
    public void TopologicalOrderRefusesACycle()
    {
        var graph = new GraphProto { Name = "loop" };
        graph.Node.Add(Node("Relu", "a", ["q"], ["p"]));
        graph.Node.Add(Node("Relu", "b", ["p"], ["q"]));
        var e = Assert.Throws<OnnxFormatException>(() => new GraphView(graph).TopologicalOrder());
        Assert.Contains("cycle", e.Message);
    }

    [Fact]
    public void OptionalSlotsGivenAsEmptyOrMissingAreNull()
    {
        var node = Node("Dropout", "drop", ["x", "", "training"], ["y"]);
        Assert.Equal("x", NodeValues.Input(node, 0));
        Assert.Null(NodeValues.Input(node, 1));
        Assert.Equal("training", NodeValues.Input(node, 2));
        Assert.Null(NodeValues.Input(node, 3));
        Assert.Equal("y", NodeValues.Output(node, 0));
        Assert.Null(NodeValues.Output(node, 1));
    }
}
