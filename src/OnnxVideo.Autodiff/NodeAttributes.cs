using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Export.Autodiff;

/// <summary>Typed reads of a node's attributes with the ONNX defaults supplied by the caller.</summary>
internal static class NodeAttributes
{
    public static AttributeProto? Find(NodeProto node, string name) => node.Attribute.FirstOrDefault(a => a.Name == name);

    public static long Int(NodeProto node, string name, long defaultValue) => Find(node, name)?.I ?? defaultValue;

    public static float Float(NodeProto node, string name, float defaultValue) => Find(node, name)?.F ?? defaultValue;

    public static string String(NodeProto node, string name, string defaultValue) =>
        Find(node, name) is { } a ? a.S.ToStringUtf8() : defaultValue;

    public static long[]? Ints(NodeProto node, string name) => Find(node, name) is { } a ? a.Ints.ToArray() : null;

    public static long[] Ints(NodeProto node, string name, long[] defaultValue) => Ints(node, name) ?? defaultValue;

    /// <summary>Optional input <paramref name="index"/> of a node, or null when absent or given as "".</summary>
    public static string? Input(NodeProto node, int index) =>
        index < node.Input.Count && node.Input[index].Length > 0 ? node.Input[index] : null;

    public static string? Output(NodeProto node, int index) =>
        index < node.Output.Count && node.Output[index].Length > 0 ? node.Output[index] : null;
}
