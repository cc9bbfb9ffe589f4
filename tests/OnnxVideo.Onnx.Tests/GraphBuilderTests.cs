using OnnxVideo.Onnx.Proto;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Onnx.Tests;

public class GraphBuilderTests
{
    [Fact]
    public void NamesStayUniqueAcrossNodesAndWrappedGraphs()
    {
        var g = new GraphBuilder("g");
        var x = g.Input("x", DataType.Float, "N", 4);
        var a = g.Node("Relu", [x]);
        var b = g.Node("Relu", [a]);
        var c = g.Node("Relu", [b], name: "x");
        Assert.Equal(3, new[] { a, b, c }.Distinct().Count());
        Assert.NotEqual("x", c);
        var wrapped = GraphBuilder.Wrap(g.Graph);
        var d = wrapped.Node("Relu", [c]);
        Assert.DoesNotContain(d, new[] { x, a, b, c });
        Assert.Equal(4, g.Graph.Node.Select(n => n.Name).Distinct().Count());
        Assert.Throws<ArgumentException>(() => wrapped.Input("x", DataType.Float, 1));
    }

    [Fact]
    public void ConstantsGetFreshNamesAndTheirValues()
    {
        var g = new GraphBuilder("g");
        var a = g.Constant([1L, 2L]);
        var b = g.Constant([3L]);
        var c = g.Constant(0.25f);
        Assert.Equal(3, new[] { a, b, c }.Distinct().Count());
        Assert.Equal(new long[] { 3 }, TensorProtos.ToInt64s(g.Graph.Initializer.Single(t => t.Name == b)));
        Assert.Equal(new[] { 0.25f }, TensorProtos.ToFloats(g.Graph.Initializer.Single(t => t.Name == c)));
        Assert.True(g.IsNameUsed(a));
    }

    [Fact]
    public void AttributesMapToOnnxTypes()
    {
        var g = new GraphBuilder("g");
        g.Node("Conv", ["x", "w"], new Dictionary<string, object>
        {
            ["group"] = 2,
            ["pads"] = new long[] { 1, 1, 1, 1 },
            ["alpha"] = 0.5f,
            ["auto_pad"] = "NOTSET",
            ["scales"] = new[] { 1f, 2f },
        });
        var node = g.Graph.Node[0];
        Assert.Equal(AttributeProto.Types.AttributeType.Int, AttributeValues.Find(node, "group")!.Type);
        Assert.Equal(2, AttributeValues.Int(node, "group", 1));
        Assert.Equal(new long[] { 1, 1, 1, 1 }, AttributeValues.Ints(node, "pads"));
        Assert.Equal(0.5f, AttributeValues.Float(node, "alpha", 0));
        Assert.Equal("NOTSET", AttributeValues.String(node, "auto_pad", ""));
        Assert.Equal(AttributeProto.Types.AttributeType.Floats, AttributeValues.Find(node, "scales")!.Type);
    }

    [Fact]
    public void TensorValuesReadBackFromTypedAndRawFields()
    {
        var t = new TensorProto { Name = "t", DataType = (int)DataType.Float };
        t.Dims.Add(3);
        t.FloatData.AddRange([1f, -2f, 3.5f]);
        Assert.Equal(new[] { 1f, -2f, 3.5f }, TensorProtos.ToFloats(t));
        var raw = TensorProtos.FromInt64s("i", [5, -6], 2);
        Assert.Equal(new long[] { 5, -6 }, TensorProtos.ToInt64s(raw));
        Assert.Throws<ArgumentException>(() => TensorProtos.FromFloats("bad", [1f, 2f], 3));
    }
}
