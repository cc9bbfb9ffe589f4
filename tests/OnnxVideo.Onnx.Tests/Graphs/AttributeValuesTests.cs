using Google.Protobuf;
using OnnxVideo.Onnx.Proto;
using AttributeType = OnnxVideo.Onnx.Proto.AttributeProto.Types.AttributeType;

namespace OnnxVideo.Onnx.Tests.Graphs;

public class AttributeValuesTests
{
    private static NodeProto Node(params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = "Flatten", Name = "flat" };
        node.Input.Add("x");
        node.Output.Add("y");
        node.Attribute.AddRange(attributes);
        return node;
    }

    [Fact]
    public void ExplicitZeroIsReadAsZeroNotAsTheDefaultAfterASaveAndLoad()
    {
        var node = Node(new AttributeProto { Name = "axis", Type = AttributeType.Int, I = 0 });
        var reloaded = NodeProto.Parser.ParseFrom(node.ToByteArray());
        Assert.True(reloaded.Attribute[0].HasI);
        Assert.Equal(0, AttributeValues.Int(reloaded, "axis", 1));
        Assert.Equal(0L, AttributeValues.Int(reloaded, "axis"));
    }

    [Fact]
    public void AbsentAttributeGivesTheDefaultOrNull()
    {
        var node = Node();
        Assert.Equal(1, AttributeValues.Int(node, "axis", 1));
        Assert.Null(AttributeValues.Int(node, "axis"));
        Assert.Null(AttributeValues.Float(node, "alpha"));
        Assert.Equal("NOTSET", AttributeValues.String(node, "auto_pad", "NOTSET"));
        Assert.Null(AttributeValues.Ints(node, "pads"));
        Assert.Equal(new long[] { 7 }, AttributeValues.Ints(node, "pads", [7]));
        Assert.Null(AttributeValues.Tensor(node, "value"));
    }

    [Fact]
    public void WrongTypeIsAnErrorNamingNodeAndAttribute()
    {
        var node = Node(AttributeValues.Create("axis", new long[] { 1 }));
        var e = Assert.Throws<OnnxFormatException>(() => AttributeValues.Int(node, "axis", 1));
        Assert.Equal("Flatten node 'flat'", e.ModelPath);
        Assert.Contains("'axis' is INTS, expected INT", e.Message);
        Assert.Throws<OnnxFormatException>(() => AttributeValues.Float(Node(AttributeValues.Create("alpha", 2L)), "alpha", 0));
    }

    [Fact]
    public void UntypedAttributesFromOldExportersAreReadByTheFieldThatIsSet()
    {
        var node = Node(
            new AttributeProto { Name = "axis", I = 2 },
            new AttributeProto { Name = "alpha", F = 0.25f },
            new AttributeProto { Name = "mode", S = ByteString.CopyFromUtf8("edge") },
            new AttributeProto { Name = "empty" });
        node.Attribute.Add(new AttributeProto { Name = "pads" });
        node.Attribute[4].Ints.AddRange([1, 2]);
        Assert.Equal(2, AttributeValues.Int(node, "axis", 0));
        Assert.Equal(0.25f, AttributeValues.Float(node, "alpha", 0));
        Assert.Equal("edge", AttributeValues.String(node, "mode", ""));
        Assert.Equal(new long[] { 1, 2 }, AttributeValues.Ints(node, "pads"));
        var e = Assert.Throws<OnnxFormatException>(() => AttributeValues.Int(node, "empty", 0));
        Assert.Contains("untyped and empty", e.Message);
    }

    [Fact]
    public void TypedEmptyListIsAnEmptyListNotAbsent()
    {
        var node = Node(new AttributeProto { Name = "axes", Type = AttributeType.Ints });
        Assert.Equal(Array.Empty<long>(), AttributeValues.Ints(node, "axes"));
    }

    [Fact]
    public void PlainValuesReadBackWhatCreateTook()
    {
        Assert.Equal(0L, AttributeValues.PlainValue(AttributeValues.Create("i", 0L)));
        Assert.Equal(0.5f, AttributeValues.PlainValue(AttributeValues.Create("f", 0.5f)));
        Assert.Equal("SAME_UPPER", AttributeValues.PlainValue(AttributeValues.Create("s", "SAME_UPPER")));
        Assert.Equal(new long[] { 2, 2 }, AttributeValues.PlainValue(AttributeValues.Create("l", new long[] { 2, 2 })));
        Assert.Equal(new[] { "a", "b" }, AttributeValues.PlainValue(AttributeValues.Create("ss", new[] { "a", "b" })));
        Assert.Equal(3L, AttributeValues.PlainValue(new AttributeProto { Name = "untyped", I = 3 }));
        Assert.Null(AttributeValues.PlainValue(AttributeValues.Create("t", TensorProtos.FromFloats("", [1f], 1))));
    }
}
