using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Onnx.Graphs;

/// <summary>
/// Who produces and who consumes each value of a graph, and the constants behind value names. The index is taken
/// when the view is created: edits made to the graph afterwards are not seen (create a new view).
/// </summary>
internal sealed class GraphView
{
    private readonly Dictionary<string, NodeProto> producers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<ValueUse>> consumers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TensorProto> initializers = new(StringComparer.Ordinal);
    private readonly HashSet<string> inputs;
    private readonly HashSet<string> outputs;

    public GraphView(GraphProto graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        Graph = graph;
        inputs = graph.Input.Select(v => v.Name).ToHashSet(StringComparer.Ordinal);
        outputs = graph.Output.Select(v => v.Name).ToHashSet(StringComparer.Ordinal);
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
            for (var i = 0; i < node.Input.Count; i++)
            {
                if (node.Input[i].Length == 0)
                {
                    continue;
                }
                if (!consumers.TryGetValue(node.Input[i], out var list))
                {
                    consumers[node.Input[i]] = list = [];
                }
                list.Add(new ValueUse(node, i));
            }
        }
    }

    public GraphProto Graph { get; }

    public NodeProto? Producer(string value) => producers.GetValueOrDefault(value);

    /// <summary>The nodes reading <paramref name="value"/> as an explicit input, once per input position, in graph order.</summary>
    public IReadOnlyList<ValueUse> Consumers(string value) => consumers.TryGetValue(value, out var list) ? list : [];

    public TensorProto? Initializer(string value) => initializers.GetValueOrDefault(value);

    public bool IsGraphInput(string value) => inputs.Contains(value);

    public bool IsGraphOutput(string value) => outputs.Contains(value);

    /// <summary>The tensor of an initializer or of a Constant node; null for computed values.</summary>
    public TensorProto? Constant(string value) =>
        initializers.TryGetValue(value, out var t) ? t : Producer(value) is { } node ? ConstantNodes.Value(node) : null;

    /// <summary>The nodes that <paramref name="values"/> depend on, directly or through other nodes.</summary>
    public IReadOnlySet<NodeProto> Ancestors(IEnumerable<string> values)
    {
        var result = new HashSet<NodeProto>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<string>(values);
        while (pending.TryPop(out var name))
        {
            if (producers.TryGetValue(name, out var node) && result.Add(node))
            {
                foreach (var input in NodeValues.Reads(node))
                {
                    pending.Push(input);
                }
            }
        }
        return result;
    }

    public IReadOnlySet<NodeProto> Ancestors(string value) => Ancestors([value]);

    /// <summary>The values fed at run time: the graph inputs that are not initializers and every value computed from them.</summary>
    public IReadOnlySet<string> RunTimeValues() => Dependents(inputs.Where(i => !initializers.ContainsKey(i)));

    /// <summary><paramref name="values"/> and every value computed from any of them, directly or through other nodes.</summary>
    public IReadOnlySet<string> Dependents(IEnumerable<string> values)
    {
        var reached = new HashSet<string>(values, StringComparer.Ordinal);
        foreach (var node in TopologicalOrder())
        {
            if (NodeValues.Reads(node).Any(reached.Contains))
            {
                reached.UnionWith(node.Output.Where(o => o.Length > 0));
            }
        }
        return reached;
    }

    /// <summary>
    /// The nodes ordered so that every node comes after the producers of what it reads; a graph already in order keeps
    /// its order. Throws <see cref="OnnxFormatException"/> when the nodes form a cycle.
    /// </summary>
    public IReadOnlyList<NodeProto> TopologicalOrder()
    {
        var order = new List<NodeProto>(Graph.Node.Count);
        var done = new HashSet<NodeProto>(ReferenceEqualityComparer.Instance);
        var onPath = new HashSet<NodeProto>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(NodeProto Node, IEnumerator<NodeProto> Producers)>();
        foreach (var root in Graph.Node)
        {
            if (done.Contains(root))
            {
                continue;
            }
            onPath.Add(root);
            stack.Push((root, ProducersOf(root).GetEnumerator()));
            while (stack.TryPeek(out var top))
            {
                if (!top.Producers.MoveNext())
                {
                    stack.Pop();
                    onPath.Remove(top.Node);
                    done.Add(top.Node);
                    order.Add(top.Node);
                    continue;
                }
                var next = top.Producers.Current;
                if (onPath.Contains(next))
                {
                    throw new OnnxFormatException($"graph '{Graph.Name}'", $"the nodes form a cycle through {next.OpType} node '{next.Name}'");
                }
                if (done.Contains(next))
                {
                    continue;
                }
                onPath.Add(next);
                stack.Push((next, ProducersOf(next).GetEnumerator()));
            }
        }
        return order;
    }

    private IEnumerable<NodeProto> ProducersOf(NodeProto node)
    {
        foreach (var input in NodeValues.Reads(node))
        {
            if (producers.TryGetValue(input, out var producer))
            {
                yield return producer;
            }
        }
    }
}
