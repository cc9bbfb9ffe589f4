using Google.Protobuf;
using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Onnx;

/// <summary>Turns plain .NET values into ONNX attributes and back.</summary>
public static class AttributeValues
{
    public static AttributeProto Create(string name, object value)
    {
        var a = new AttributeProto { Name = name };
        switch (value)
        {
            case long l: a.Type = AttributeProto.Types.AttributeType.Int; a.I = l; break;
            case int i: a.Type = AttributeProto.Types.AttributeType.Int; a.I = i; break;
            case bool b: a.Type = AttributeProto.Types.AttributeType.Int; a.I = b ? 1 : 0; break;
            case float f: a.Type = AttributeProto.Types.AttributeType.Float; a.F = f; break;
            case double d: a.Type = AttributeProto.Types.AttributeType.Float; a.F = (float)d; break;
            case string s: a.Type = AttributeProto.Types.AttributeType.String; a.S = ByteString.CopyFromUtf8(s); break;
            case long[] ls: a.Type = AttributeProto.Types.AttributeType.Ints; a.Ints.AddRange(ls); break;
            case int[] xs: a.Type = AttributeProto.Types.AttributeType.Ints; a.Ints.AddRange(xs.Select(x => (long)x)); break;
            case float[] fs: a.Type = AttributeProto.Types.AttributeType.Floats; a.Floats.AddRange(fs); break;
            case string[] ss: a.Type = AttributeProto.Types.AttributeType.Strings; a.Strings.AddRange(ss.Select(ByteString.CopyFromUtf8)); break;
            case TensorProto t: a.Type = AttributeProto.Types.AttributeType.Tensor; a.T = t; break;
            case GraphProto g: a.Type = AttributeProto.Types.AttributeType.Graph; a.G = g; break;
            default: throw new ArgumentException($"attribute '{name}': unsupported value type {value.GetType().Name}", nameof(value));
        }
        return a;
    }

    public static AttributeProto? Find(NodeProto node, string name) => node.Attribute.FirstOrDefault(a => a.Name == name);

    public static long GetInt(NodeProto node, string name, long fallback) => Find(node, name) is { } a ? a.I : fallback;

    public static float GetFloat(NodeProto node, string name, float fallback) => Find(node, name) is { } a ? a.F : fallback;

    public static string GetString(NodeProto node, string name, string fallback) => Find(node, name) is { } a ? a.S.ToStringUtf8() : fallback;

    public static long[]? GetInts(NodeProto node, string name) => Find(node, name)?.Ints.ToArray();
}
