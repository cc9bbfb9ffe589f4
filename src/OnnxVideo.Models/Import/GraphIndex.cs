using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Export.Import;

/// <summary>Producer and consumer lookups over a graph, and the constant tensors behind value names.</summary>
internal sealed class GraphIndex
{
    private readonly Dictionary<string, NodeProto> producers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<NodeProto>> consumers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TensorProto> initializers = new(StringComparer.Ordinal);

    public GraphIndex(GraphProto graph)
    {
        Graph = graph;
        foreach (var t in graph.Initializer)
        {
            initializers[t.Name] = t;
        }
        foreach (var node in graph.Node)
        {
            foreach (var o in node.Output.Where(o => o.Length > 0))
            {
                producers[o] = node;
            }
            foreach (var i in node.Input.Where(i => i.Length > 0))
            {
                if (!consumers.TryGetValue(i, out var list))
                {
                    consumers[i] = list = [];
                }
                list.Add(node);
            }
        }
    }

    public GraphProto Graph { get; }

    public NodeProto? Producer(string value) => producers.GetValueOrDefault(value);

    public IReadOnlyList<NodeProto> Consumers(string value) =>
        consumers.TryGetValue(value, out var list) ? list : [];

    public bool IsGraphOutput(string value) => Graph.Output.Any(o => o.Name == value);

    /// <summary>The tensor of an initializer or of a Constant node's <c>value</c> attribute; null for computed values.</summary>
    public TensorProto? Constant(string value)
    {
        if (initializers.TryGetValue(value, out var t))
        {
            return t;
        }
        var node = Producer(value);
        return node is { OpType: "Constant", Domain: "" or "ai.onnx" } && AttributeValues.Find(node, "value") is { T: { } tensor }
            ? tensor
            : null;
    }

    public TensorProto? Initializer(string value) => initializers.GetValueOrDefault(value);
}
