using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Export.Tuning;

/// <summary>Who produces each value of a graph, who consumes it at which input index, and which values are initializers.</summary>
internal sealed class GraphUses
{
    public GraphUses(GraphProto graph)
    {
        Graph = graph;
        foreach (var t in graph.Initializer)
        {
            Initializers[t.Name] = t;
        }
        foreach (var node in graph.Node)
        {
            foreach (var o in node.Output)
            {
                Producers[o] = node;
            }
            for (var i = 0; i < node.Input.Count; i++)
            {
                if (node.Input[i].Length == 0)
                {
                    continue;
                }
                if (!Consumers.TryGetValue(node.Input[i], out var list))
                {
                    Consumers[node.Input[i]] = list = [];
                }
                list.Add((node, i));
            }
        }
    }

    public GraphProto Graph { get; }
    public Dictionary<string, TensorProto> Initializers { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, NodeProto> Producers { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, List<(NodeProto Node, int Input)>> Consumers { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<(NodeProto Node, int Input)> ConsumersOf(string value) =>
        Consumers.TryGetValue(value, out var list) ? list : [];

    public static long IntAttribute(NodeProto node, string name, long fallback) =>
        node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? a.I : fallback;

    public static float FloatAttribute(NodeProto node, string name, float fallback) =>
        node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? a.F : fallback;

    public static string Describe(NodeProto node) => $"{node.OpType} node '{(node.Name.Length > 0 ? node.Name : string.Join(",", node.Output))}'";
}
