using Google.Protobuf;
using OnnxVideo.Onnx.Proto;
using AttributeType = OnnxVideo.Onnx.Proto.AttributeProto.Types.AttributeType;

namespace OnnxVideo.Onnx;

/// <summary>
/// Turns plain .NET values into ONNX attributes and reads a node's attributes back, typed. A reader returns the
/// caller's default (or null) when the node has no such attribute and throws <see cref="OnnxFormatException"/> (naming
/// the node) when it has one of another type, rather than reading an unset field as zero.
/// </summary>
public static class AttributeValues
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
        Find(node, name) is { } a ? Expect(node, a, AttributeType.Int, a.HasI).I : null;

    public static long Int(NodeProto node, string name, long defaultValue) => Int(node, name) ?? defaultValue;

    public static float? Float(NodeProto node, string name) =>
        Find(node, name) is { } a ? Expect(node, a, AttributeType.Float, a.HasF).F : null;

    public static float Float(NodeProto node, string name, float defaultValue) => Float(node, name) ?? defaultValue;

    public static string? String(NodeProto node, string name) =>
        Find(node, name) is { } a ? Expect(node, a, AttributeType.String, a.HasS).S.ToStringUtf8() : null;

    public static string String(NodeProto node, string name, string defaultValue) => String(node, name) ?? defaultValue;

    public static long[]? Ints(NodeProto node, string name) =>
        Find(node, name) is { } a ? Expect(node, a, AttributeType.Ints, a.Ints.Count > 0).Ints.ToArray() : null;

    public static long[] Ints(NodeProto node, string name, long[] defaultValue) => Ints(node, name) ?? defaultValue;

    public static float[]? Floats(NodeProto node, string name) =>
        Find(node, name) is { } a ? Expect(node, a, AttributeType.Floats, a.Floats.Count > 0).Floats.ToArray() : null;

    public static TensorProto? Tensor(NodeProto node, string name) =>
        Find(node, name) is { } a ? Expect(node, a, AttributeType.Tensor, a.T is not null).T : null;

    /// <summary>
    /// The attribute when it has the expected type; files from exporters that leave <c>type</c> unset are read by
    /// which value field is present.
    /// </summary>
    private static AttributeProto Expect(NodeProto node, AttributeProto a, AttributeType expected, bool valuePresent)
    {
        if (a.Type == expected || (a.Type == AttributeType.Undefined && valuePresent))
        {
            return a;
        }
        var nodeName = node.Name.Length > 0 ? node.Name : string.Join(",", node.Output);
        throw new OnnxFormatException($"{node.OpType} node '{nodeName}'",
            $"attribute '{a.Name}' is {TypeName(a.Type)}, expected {TypeName(expected)}");
    }

    private static string TypeName(AttributeType type) => type == AttributeType.Undefined ? "untyped and empty" : type.ToString().ToUpperInvariant();
}
