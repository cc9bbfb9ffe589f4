using OnnxVideo.Onnx.Proto;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Onnx;

/// <summary>
/// Adds inputs, outputs, initializers and nodes to a <see cref="GraphProto"/>, keeping every value and node name
/// unique. Wrap an existing graph to extend it (head replacement, autodiff).
/// </summary>
internal sealed class GraphBuilder
{
    private readonly HashSet<string> valueNames = new(StringComparer.Ordinal);
    private readonly HashSet<string> nodeNames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> nextSuffix = new(StringComparer.Ordinal);

    public GraphBuilder(string graphName)
        : this(new GraphProto { Name = graphName })
    {
    }

    private GraphBuilder(GraphProto graph)
    {
        Graph = graph;
        foreach (var v in graph.Input.Concat(graph.Output).Concat(graph.ValueInfo))
        {
            valueNames.Add(v.Name);
        }
        foreach (var t in graph.Initializer)
        {
            valueNames.Add(t.Name);
        }
        foreach (var n in graph.Node)
        {
            valueNames.UnionWith(n.Output);
            if (n.Name.Length > 0)
            {
                nodeNames.Add(n.Name);
            }
        }
    }

    public GraphProto Graph { get; }

    public static GraphBuilder Wrap(GraphProto graph) => new(graph);

    /// <summary>Returns <paramref name="hint"/> if unused, else the hint with the next free numeric suffix; reserves it.</summary>
    public string UniqueName(string hint) => Reserve(valueNames, hint);

    public bool IsNameUsed(string name) => valueNames.Contains(name);

    public string Input(string name, DataType type, params Dim[] shape)
    {
        Claim(name);
        Graph.Input.Add(ValueInfo(name, type, shape));
        return name;
    }

    /// <summary>Declares an existing value as a graph output.</summary>
    public void Output(string name, DataType type, params Dim[] shape) => Graph.Output.Add(ValueInfo(name, type, shape));

    public string Initializer(string name, float[] data, params long[] dims) =>
        AddInitializer(TensorProtos.FromFloats(name, data, dims));

    public string Initializer(string name, long[] data, params long[] dims) =>
        AddInitializer(TensorProtos.FromInt64s(name, data, dims));

    public string AddInitializer(TensorProto tensor)
    {
        Claim(tensor.Name);
        Graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>A float scalar initializer with a fresh name.</summary>
    public string Constant(float value) => AddReserved(TensorProtos.FromFloats(UniqueName("const_f"), [value]));

    /// <summary>A 1-D int64 initializer with a fresh name (shapes, axes, slice bounds).</summary>
    public string Constant(long[] values) =>
        AddReserved(TensorProtos.FromInt64s(UniqueName("const_i"), values, values.Length));

    private string AddReserved(TensorProto tensor)
    {
        Graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    public string Node(string opType, IReadOnlyList<string> inputs, IReadOnlyDictionary<string, object>? attributes = null,
        string? name = null, string domain = "") =>
        NodeMulti(opType, inputs, 1, attributes, name, domain)[0];

    public string[] NodeMulti(string opType, IReadOnlyList<string> inputs, int outputCount,
        IReadOnlyDictionary<string, object>? attributes = null, string? name = null, string domain = "")
    {
        var nodeName = Reserve(nodeNames, name ?? opType);
        var node = new NodeProto { OpType = opType, Name = nodeName, Domain = domain };
        node.Input.AddRange(inputs);
        var outputs = new string[outputCount];
        for (var i = 0; i < outputCount; i++)
        {
            outputs[i] = UniqueName(outputCount == 1 ? nodeName : $"{nodeName}_{i}");
        }
        node.Output.AddRange(outputs);
        if (attributes is not null)
        {
            foreach (var (key, value) in attributes)
            {
                node.Attribute.Add(AttributeValues.Create(key, value));
            }
        }
        Graph.Node.Add(node);
        return outputs;
    }

    public static ValueInfoProto ValueInfo(string name, DataType type, params Dim[] shape)
    {
        var tensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = new TensorShapeProto() };
        foreach (var d in shape)
        {
            tensorType.Shape.Dim.Add(d.IsSymbolic
                ? new TensorShapeProto.Types.Dimension { DimParam = d.Param }
                : new TensorShapeProto.Types.Dimension { DimValue = d.Value });
        }
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensorType } };
    }

    private void Claim(string name)
    {
        if (!valueNames.Add(name))
        {
            throw new ArgumentException($"value name '{name}' is already used in graph '{Graph.Name}'", nameof(name));
        }
    }

    private string Reserve(HashSet<string> names, string hint)
    {
        if (names.Add(hint))
        {
            return hint;
        }
        nextSuffix.TryGetValue(hint, out var i);
        string candidate;
        do
        {
            candidate = $"{hint}_{++i}";
        }
        while (!names.Add(candidate));
        nextSuffix[hint] = i;
        return candidate;
    }
}
