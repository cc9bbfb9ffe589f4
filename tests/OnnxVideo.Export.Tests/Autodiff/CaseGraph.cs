using OnnxVideo.Autodiff;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Export.Tests.Autodiff;

/// <summary>Builds a gradient-check forward graph: trainable inputs with seeded values, typed constants, nodes.</summary>
internal sealed class CaseGraph
{
    private readonly Random _random;

    public CaseGraph(GraphBuilder graph, DataType type, Random random)
    {
        Graph = graph;
        Type = type;
        _random = random;
    }

    public GraphBuilder Graph { get; }

    public DataType Type { get; }

    public List<CaseParameter> Parameters { get; } = [];

    /// <summary>Sizes the symbolic dims of declared inputs take in the run.</summary>
    public Dictionary<string, long> Symbols { get; } = new(StringComparer.Ordinal);

    /// <summary>Values a check mode needs besides the gradients (e.g. the Dropout mask).</summary>
    public Dictionary<string, string> Exposed { get; } = new(StringComparer.Ordinal);

    /// <summary>Uniform in [-1, 1].</summary>
    public static double Uniform(Random r, int i) => r.NextDouble() * 2 - 1;

    /// <summary>Uniform in [0.5, 2] (logs, roots, powers, divisors).</summary>
    public static double Positive(Random r, int i) => 0.5 + r.NextDouble() * 1.5;

    /// <summary>Magnitude in [0.2, 1] with a random sign: away from the kinks of Relu, Clip at 0, Abs.</summary>
    public static double AwayFromZero(Random r, int i) => (0.2 + 0.8 * r.NextDouble()) * (r.Next(2) == 0 ? -1 : 1);

    /// <summary>Distinct values at least 0.1 apart (MaxPool winners stay winners under ±h).</summary>
    public static Func<Random, int, double> Distinct(int count)
    {
        int[]? order = null;
        return (r, i) =>
        {
            order ??= Enumerable.Range(0, count).OrderBy(_ => r.Next()).ToArray();
            return order[i] * 0.1 - count * 0.05;
        };
    }

    /// <summary>A trainable graph input; <paramref name="declared"/> overrides the declared dims (symbolic batch, unknown shape).</summary>
    public string Param(string name, long[] shape, Func<Random, int, double>? init = null, Dim[]? declared = null, bool declareShape = true)
    {
        init ??= Uniform;
        long count = shape.Aggregate(1L, (p, d) => p * d);
        var values = new double[count];
        for (int i = 0; i < count; i++) values[i] = init(_random, i);
        if (declared is not null)
        {
            for (int i = 0; i < declared.Length; i++) if (declared[i].IsSymbolic) Symbols[declared[i].Param!] = shape[i];
        }
        if (declareShape) Graph.Input(name, Type, declared ?? shape.Select(d => (Dim)d).ToArray());
        else
        {
            Graph.Graph.Input.Add(new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)Type } } });
        }
        Parameters.Add(new CaseParameter(name, shape, values));
        return name;
    }

    /// <summary>A frozen constant of the case's element type with random (or given) values.</summary>
    public string Const(long[] shape, Func<Random, int, double>? init = null)
    {
        init ??= Uniform;
        long count = shape.Aggregate(1L, (p, d) => p * d);
        var values = new double[count];
        for (int i = 0; i < count; i++) values[i] = init(_random, i);
        return Values(values, shape);
    }

    public string Values(double[] values, params long[] shape)
    {
        var t = Type == DataType.Double ? TensorProtos.FromDoubles("", values, shape) : TensorProtos.FromFloats("", values.Select(v => (float)v).ToArray(), shape);
        return Initializers.Add(Graph, t, "c");
    }

    public string Scalar(double value) => Values([value]);

    public string Ints(params long[] values) => Initializers.Int64s(Graph, "ints", values);

    public string IntScalar(long value) => Initializers.Int64Scalar(Graph, "int", value);

    public string Node(string op, params string[] inputs) => Graph.Node(op, inputs);

    public string Node(string op, string[] inputs, Dictionary<string, object> attributes) => Graph.Node(op, inputs, attributes);

    public string[] Nodes(string op, string[] inputs, int outputs, Dictionary<string, object>? attributes = null) =>
        Graph.NodeMulti(op, inputs, outputs, attributes);
}
