using OnnxVideo.Onnx.Shapes;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Autodiff;

/// <summary>
/// What a gradient rule needs while emitting backward nodes: the graph being extended, statically inferred
/// shapes of forward values, which inputs need a gradient, and helpers for typed constants and broadcasting.
/// </summary>
internal sealed class GradientContext
{
    private readonly Dictionary<(TensorProto.Types.DataType Type, double Value), string> _scalars = new();
    private readonly Dictionary<string, string> _runtimeShapes = new(StringComparer.Ordinal);
    private NodeProto? _node;
    private bool[] _needs = [];

    internal GradientContext(GraphBuilder graph, ShapeInference shapes, GradientOptions? options = null)
    {
        Graph = graph;
        Shapes = shapes;
        Options = options ?? GradientOptions.Default;
    }

    public GradientOptions Options { get; }

    public GraphBuilder Graph { get; }

    public ShapeInference Shapes { get; }

    public NodeProto Node => _node ?? throw new InvalidOperationException("no node is being differentiated");

    internal void Begin(NodeProto node, bool[] needs)
    {
        _node = node;
        _needs = needs;
    }

    /// <summary>True when the gradient of input <paramref name="index"/> of the current node is wanted.</summary>
    public bool NeedsGradient(int index) => index < _needs.Length && _needs[index];

    public UnsupportedGradientException Fail(string reason) => new(Node.OpType, Node.Name, reason);

    /// <summary>Appends one standard-ONNX node (default domain) and returns its output.</summary>
    public string Op(string opType, IReadOnlyList<string> inputs, IReadOnlyDictionary<string, object>? attributes = null) =>
        Graph.Node(opType, inputs, attributes, name: $"{(_node?.Name is { Length: > 0 } n ? n : _node?.OpType ?? "loss")}_grad_{opType}");

    public string[] OpMulti(string opType, IReadOnlyList<string> inputs, int outputs, IReadOnlyDictionary<string, object>? attributes = null) =>
        Graph.NodeMulti(opType, inputs, outputs, attributes, name: $"{(_node?.Name is { Length: > 0 } n ? n : _node?.OpType ?? "loss")}_grad_{opType}");

    public string Op(string opType, params string[] inputs) => Op(opType, inputs, null);

    public TensorShape? ShapeOf(string value) => Shapes.ShapeOf(value);

    public int Rank(string value) => ShapeOf(value)?.Rank ?? throw Fail($"the rank of '{value}' is not known at graph-build time{RankLostAt(value)}");

    /// <summary>
    /// Where shape inference lost the rank that <paramref name="value"/> lacks: the first node upstream whose inputs
    /// all have known ranks but whose output does not (or the graph input declared without a shape).
    /// </summary>
    private string RankLostAt(string value)
    {
        var producers = new Dictionary<string, NodeProto>(StringComparer.Ordinal);
        foreach (var node in Graph.Graph.Node)
        {
            foreach (var output in node.Output.Where(o => o.Length > 0)) producers.TryAdd(output, node);
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (seen.Add(value))
        {
            if (!producers.TryGetValue(value, out var producer)) return $"; it is lost at '{value}', which has no declared shape";
            var unknown = producer.Input.FirstOrDefault(i => i.Length > 0 && ShapeOf(i) is null);
            if (unknown is null) return $"; it is lost at node '{producer.Name}' (op {producer.OpType}), whose inputs have known ranks";
            value = unknown;
        }
        return "";
    }

    /// <summary>Element type of a forward value; float when inference does not know it.</summary>
    public TensorProto.Types.DataType ElemType(string value) => Shapes.ElemTypeOf(value) is var t && t != TensorProto.Types.DataType.Undefined ? t : TensorProto.Types.DataType.Float;

    /// <summary>A rank-0 constant with the element type of <paramref name="like"/>.</summary>
    public string Scalar(double value, string like)
    {
        var type = ElemType(like);
        if (_scalars.TryGetValue((type, value), out var name)) return name;
        var tensor = ConstantTensors.Scalar("", value, type, rankZero: true);
        return _scalars[(type, value)] = Initializers.Add(Graph, tensor, "grad_const");
    }

    /// <summary>A constant of <paramref name="dims"/> (row-major <paramref name="values"/>) with the element type of
    /// <paramref name="like"/>, named after <paramref name="hint"/>.</summary>
    public string Constant(double[] values, long[] dims, string like, string hint) =>
        Initializers.Add(Graph, ConstantTensors.Of("", values, dims, ElemType(like)), hint);

    /// <summary>A 1-D int64 constant.</summary>
    public string Ints(params long[] values) => Initializers.Int64s(Graph, "grad_ints", values);

    /// <summary>A rank-0 int64 constant.</summary>
    public string ScalarInt(long value)
        => Initializers.Int64Scalar(Graph, "grad_int", value);

    /// <summary>Shape(value) computed at run time (one Shape node per value).</summary>
    public string RuntimeShape(string value)
    {
        if (!_runtimeShapes.TryGetValue(value, out var s)) _runtimeShapes[value] = s = Op("Shape", value);
        return s;
    }

    /// <summary>The static shape of <paramref name="value"/> as a constant when fully known, else Shape(value).</summary>
    public string ShapeTensorOf(string value) =>
        ShapeOf(value) is { IsFullyKnown: true } s ? Ints(s.ToArray()) : RuntimeShape(value);

    public string Transpose(string value, IReadOnlyList<long> perm) =>
        Op("Transpose", [value], new Dictionary<string, object> { ["perm"] = perm.ToArray() });

    public string Reshape(string value, string shape) => Op("Reshape", value, shape);

    /// <summary>
    /// Reshape <paramref name="grad"/> to the shape of forward value <paramref name="like"/>: a constant target where at
    /// most one dim is not known (that one as −1), so that no Shape node keeps the forward value alive until the
    /// backward pass reaches it; Shape(like) otherwise.
    /// </summary>
    public string ReshapeLike(string grad, string like) => Reshape(grad,
        ShapeOf(like) is { } s && s.Dims.Count(d => !d.IsKnown) == 1 ? Ints(s.Dims.Select(d => d.Value ?? -1).ToArray()) : ShapeTensorOf(like));

    public string ReduceSum(string value, IReadOnlyList<long> axes, bool keepDims) =>
        Op("ReduceSum", [value, Ints(axes.ToArray())], new Dictionary<string, object> { ["keepdims"] = keepDims ? 1L : 0L });

    public string Unsqueeze(string value, params long[] axes) => Op("Unsqueeze", value, Ints(axes));

    public string Cast(string value, TensorProto.Types.DataType elemType) => Op("Cast", [value], new Dictionary<string, object> { ["to"] = (long)elemType });

    /// <summary>Zeros with the (run-time) shape and element type of <paramref name="like"/>.</summary>
    public string ZerosLike(string like) =>
        Op("ConstantOfShape", [RuntimeShape(like)], new Dictionary<string, object> { ["value"] = ConstantTensors.Scalar("value", 0, ElemType(like), rankZero: false) });

    /// <summary>
    /// Sums a gradient of broadcast shape <paramref name="gradShape"/> back to the shape of <paramref name="target"/>
    /// (the input that was broadcast): ReduceSum over broadcast axes, then Reshape. Uses static shapes when they
    /// decide the axes, otherwise computes the axes at run time from Shape ops (dynamic batch works either way).
    /// </summary>
    public string ReduceToShape(string grad, TensorShape? gradShape, string target)
    {
        var t = ShapeOf(target);
        if (gradShape is not null && t is not null && gradShape.Rank >= t.Rank)
        {
            if (gradShape.SameAs(t)) return grad;
            int lead = gradShape.Rank - t.Rank;
            var axes = Enumerable.Range(0, lead).Select(i => (long)i).ToList();
            bool decided = true;
            for (int i = 0; i < t.Rank && decided; i++)
            {
                var (gd, td) = (gradShape[lead + i], t[i]);
                if (td.SameAs(gd)) continue;
                if (td.Value == 1) axes.Add(lead + i);
                else decided = false;
            }
            if (decided)
            {
                if (axes.Count == 0) return grad;
                bool onlyLeading = axes.Count == lead;
                var reduced = ReduceSum(grad, axes, keepDims: !onlyLeading);
                return onlyLeading || lead == 0 ? reduced : ReshapeLike(reduced, target);
            }
        }
        var gradDims = Op("Shape", grad);
        var targetDims = RuntimeShape(target);
        var rankGap = Op("Sub", Op("Size", gradDims), Op("Size", targetDims));
        var ones = Op("ConstantOfShape", [Reshape(rankGap, Ints(1))],
            new Dictionary<string, object> { ["value"] = ConstantTensors.Scalar("value", 1, TensorProto.Types.DataType.Int64, rankZero: false) });
        var padded = Op("Concat", [ones, targetDims], new Dictionary<string, object> { ["axis"] = 0L });
        var broadcastAxes = Reshape(Op("NonZero", Op("Not", Op("Equal", padded, gradDims))), Ints(-1));
        var sum = Op("ReduceSum", [grad, broadcastAxes], new Dictionary<string, object> { ["keepdims"] = 1L, ["noop_with_empty_axes"] = 1L });
        return Reshape(sum, targetDims);
    }

    /// <summary>The forward output shape of the current node's output <paramref name="index"/>.</summary>
    public TensorShape? OutputShape(int index = 0) => ShapeOf(Node.Output[index]);
}
