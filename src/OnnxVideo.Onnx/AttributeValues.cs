using Google.Protobuf;
using OnnxVideo.Onnx.Proto;
using AttributeType = OnnxVideo.Onnx.Proto.AttributeProto.Types.AttributeType;

namespace OnnxVideo.Onnx;

/// <summary>
/// Turns plain .NET values into ONNX attributes and reads a node's attributes back, typed. A reader returns the
/// caller's default (or null) when the node has no such attribute and throws <see cref="OnnxFormatException"/> (naming
/// the node) when it has one of another type, rather than reading an unset field as zero.
/// </summary>
internal static class AttributeValues
{
    public static AttributeProto Create(string name, object value)
    {
        var a = new AttributeProto { Name = name };
        switch (value)
        {
            case long l: a.Type = AttributeType.Int; a.I = l; break;
            case int i: a.Type = AttributeType.Int; a.I = i; break;
            case bool b: a.Type = AttributeType.Int; a.I = b ? 1 : 0; break;
            case float f: a.Type = AttributeType.Float; a.F = f; break;
            case double d: a.Type = AttributeType.Float; a.F = (float)d; break;
            case string s: a.Type = AttributeType.String; a.S = ByteString.CopyFromUtf8(s); break;
            case long[] ls: a.Type = AttributeType.Ints; a.Ints.AddRange(ls); break;
            case int[] xs: a.Type = AttributeType.Ints; a.Ints.AddRange(xs.Select(x => (long)x)); break;
            case float[] fs: a.Type = AttributeType.Floats; a.Floats.AddRange(fs); break;
            case string[] ss: a.Type = AttributeType.Strings; a.Strings.AddRange(ss.Select(ByteString.CopyFromUtf8)); break;
            case TensorProto t: a.Type = AttributeType.Tensor; a.T = t; break;
            case GraphProto g: a.Type = AttributeType.Graph; a.G = g; break;
            default: throw new ArgumentException($"attribute '{name}': unsupported value type {value.GetType().Name}", nameof(value));
        }
        return a;
    }

    public static AttributeProto? Find(NodeProto node, string name) => node.Attribute.FirstOrDefault(a => a.Name == name);

    public static long? Int(NodeProto node, string name) =>
        Find(node, name) is { } a ? Expect(node, a, AttributeType.Int).I : null;

    public static long Int(NodeProto node, string name, long defaultValue) => Int(node, name) ?? defaultValue;

    public static float? Float(NodeProto node, string name) =>
        Find(node, name) is { } a ? Expect(node, a, AttributeType.Float).F : null;

    public static float Float(NodeProto node, string name, float defaultValue) => Float(node, name) ?? defaultValue;

    public static string? String(NodeProto node, string name) =>
        Find(node, name) is { } a ? Expect(node, a, AttributeType.String).S.ToStringUtf8() : null;

    public static string String(NodeProto node, string name, string defaultValue) => String(node, name) ?? defaultValue;

    public static long[]? Ints(NodeProto node, string name) =>
        Find(node, name) is { } a ? Expect(node, a, AttributeType.Ints).Ints.ToArray() : null;

    public static long[] Ints(NodeProto node, string name, long[] defaultValue) => Ints(node, name) ?? defaultValue;

    public static float[]? Floats(NodeProto node, string name) =>
        Find(node, name) is { } a ? Expect(node, a, AttributeType.Floats).Floats.ToArray() : null;

    public static TensorProto? Tensor(NodeProto node, string name) =>
        Find(node, name) is { } a ? Expect(node, a, AttributeType.Tensor).T : null;

    /// <summary>
    /// The attribute's value as the plain .NET value <see cref="Create"/> takes (long, float, string, long[], float[],
    /// string[]); null for tensors, graphs and untyped empty attributes.
    /// </summary>
    public static object? PlainValue(AttributeProto a) => TypeOf(a) switch
    {
        AttributeType.Int => a.I,
        AttributeType.Float => a.F,
        AttributeType.String => a.S.ToStringUtf8(),
        AttributeType.Ints => a.Ints.ToArray(),
        AttributeType.Floats => a.Floats.ToArray(),
        AttributeType.Strings => a.Strings.Select(b => b.ToStringUtf8()).ToArray(),
        _ => null,
    };

    private static AttributeProto Expect(NodeProto node, AttributeProto a, AttributeType expected)
    {
        var actual = TypeOf(a);
        if (actual == expected)
        {
            return a;
        }
        var nodeName = node.Name.Length > 0 ? node.Name : string.Join(",", node.Output);
        throw new OnnxFormatException($"{node.OpType} node '{nodeName}'",
            $"attribute '{a.Name}' is {TypeName(actual)}, expected {TypeName(expected)}");
    }

    /// <summary>The declared type; for files from exporters that leave <c>type</c> unset, the value field that is present.</summary>
    private static AttributeType TypeOf(AttributeProto a) =>
        a.Type != AttributeType.Undefined ? a.Type
        : a.HasI ? AttributeType.Int
        : a.HasF ? AttributeType.Float
        : a.HasS ? AttributeType.String
        : a.Ints.Count > 0 ? AttributeType.Ints
        : a.Floats.Count > 0 ? AttributeType.Floats
        : a.Strings.Count > 0 ? AttributeType.Strings
        : a.T is not null ? AttributeType.Tensor
        : a.G is not null ? AttributeType.Graph
        : AttributeType.Undefined;

    private static string TypeName(AttributeType type) => type == AttributeType.Undefined ? "untyped and empty" : type.ToString().ToUpperInvariant();
}
