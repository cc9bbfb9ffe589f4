using System.Text.RegularExpressions;
using OnnxVideo.Models.Import;
using OnnxVideo.Onnx.Graphs;
using OnnxVideo.Onnx.Proto;
using OnnxVideo.Packaging.Tuning;

namespace OnnxVideo.Models.Tuning;

/// <summary>
/// Applies a <see cref="TuningSpec"/> to a graph: injects LoRA adapters, bottleneck adapters and prompt tokens when
/// asked (in that order; adapter and prompt sites are found on the graph as given, so LoRA's Adds are not taken for
/// residuals) and decides which initializers are trained. Parameters are float initializers of rank ≥ 1 that are not
/// used as running statistics, shapes, exponents, bounds or masks; BatchNormalization running statistics are never trained.
/// </summary>
internal sealed record TrainableSelection(
    TuningSpec Spec,
    ClassifierHead Head,
    IReadOnlyList<string> Trainable,
    IReadOnlyList<string> Frozen,
    IReadOnlyList<string> FrozenParameters,
    IReadOnlyList<LoraAdapter> Adapters,
    IReadOnlyList<BottleneckAdapter> Bottlenecks,
    PromptTokens? Prompts)
{
    /// <summary>Inputs (op type, input index) that hold statistics or constants rather than learnable weights.</summary>
    private static readonly HashSet<(string Op, int Input)> NonParameterInputs =
    [
        ("BatchNormalization", 3), ("BatchNormalization", 4), ("Pow", 1), ("Clip", 1), ("Clip", 2),
        ("Dropout", 1), ("Dropout", 2), ("Reshape", 1), ("Expand", 1), ("Tile", 1), ("Gather", 1), ("Where", 0),
        ("Slice", 1), ("Slice", 2), ("Slice", 3), ("Slice", 4), ("Pad", 1), ("Pad", 2), ("Pad", 3),
        ("Resize", 1), ("Resize", 2), ("Resize", 3), ("Squeeze", 1), ("Unsqueeze", 1), ("Split", 1),
        ("ReduceMean", 1), ("ReduceSum", 1), ("ReduceMax", 1), ("ConstantOfShape", 0), ("Range", 0), ("Range", 1), ("Range", 2),
    ];

    /// <summary>Inputs that are biases, for BitFit.</summary>
    private static readonly HashSet<(string Op, int Input)> BiasInputs =
    [
        ("Conv", 2), ("ConvTranspose", 2), ("Gemm", 2), ("BatchNormalization", 2), ("LayerNormalization", 2),
        ("InstanceNormalization", 2), ("GroupNormalization", 2),
    ];

    public long TrainableElementCount(GraphProto graph) => Count(graph, Trainable);

    /// <summary>Elements of the parameters left frozen (running statistics and constants not counted).</summary>
    public long FrozenElementCount(GraphProto graph) => Count(graph, FrozenParameters);

    public IEnumerable<string> HeadParameters => Head.Bias is null ? [Head.Weight] : [Head.Weight, Head.Bias];

    /// <summary>
    /// Selects the trainable set of <paramref name="graph"/> (modified in place when LoRA, adapters or prompts are added); the head is
    /// the one feeding <paramref name="logits"/> (default: the first output). <paramref name="source"/> names the model in errors;
    /// <paramref name="sites"/> says where adapters and prompts go (default: <see cref="TuningSites.Default"/>).
    /// </summary>
    public static TrainableSelection Apply(GraphProto graph, TuningSpec spec, bool training, string? logits = null, string source = "model",
        TuningSites? sites = null)
    {
        var head = ClassifierHeadFinder.Find(graph, source, logits);
        var adapterSpec = spec.Component(TuningKind.Adapter)?.Adapter;
        var promptSpec = spec.Component(TuningKind.Prompt)?.Prompt;
        sites ??= TuningSites.Default;
        var adapterSites = adapterSpec is null ? [] : sites.AdapterSites(graph);
        var blocks = promptSpec is null ? [] : sites.PromptBlocks(graph);
        var lora = spec.Component(TuningKind.Lora)?.Lora is { } loraSpec ? LoraInjector.Apply(graph, loraSpec, head, training) : [];
        var bottlenecks = adapterSpec is null ? [] : AdapterInjector.Apply(graph, adapterSpec, adapterSites, promptSpec?.Tokens ?? 0, source);
        var prompts = promptSpec is null ? null : PromptInjector.Apply(graph, promptSpec, blocks, source);
        var index = new GraphView(graph);
        var parameters = graph.Initializer.Where(t => IsParameter(index, t)).Select(t => t.Name).ToList();
        var chosen = new HashSet<string>(head.Bias is null ? [head.Weight] : [head.Weight, head.Bias], StringComparer.Ordinal);
        foreach (var part in spec.Components)
        {
            switch (part.Kind)
            {
                case TuningKind.Full:
                    chosen.UnionWith(parameters);
                    break;
                case TuningKind.Pattern:
                    var regex = new Regex(part.Pattern!, RegexOptions.CultureInvariant);
                    chosen.UnionWith(parameters.Where(p => regex.IsMatch(p)));
                    break;
                case TuningKind.BitFit:
                    chosen.UnionWith(parameters.Where(p => IsBias(index, p)));
                    break;
            }
        }
        chosen.UnionWith(lora.SelectMany(a => new[] { a.A, a.B }));
        chosen.UnionWith(bottlenecks.SelectMany(a => a.Tensors));
        chosen.UnionWith(prompts?.Tensors ?? []);
        var trainable = parameters.Where(chosen.Contains).ToList();
        var frozen = graph.Initializer.Select(t => t.Name).Where(n => !chosen.Contains(n)).ToList();
        var frozenParameters = parameters.Where(p => !chosen.Contains(p)).ToList();
        return new TrainableSelection(spec, head, trainable, frozen, frozenParameters, lora, bottlenecks, prompts);
    }

    private static bool IsParameter(GraphView index, TensorProto t) =>
        t.DataType == (int)TensorProto.Types.DataType.Float && t.Dims.Count >= 1 &&
        index.Consumers(t.Name) is { Count: > 0 } uses &&
        uses.All(u => !NonParameterInputs.Contains((u.Node.OpType, u.Input)));

    private static bool IsBias(GraphView index, string name)
    {
        var t = index.Initializer(name)!;
        if (t.Dims.Count != 1)
        {
            return false;
        }
        if (name.EndsWith("bias", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        return index.Consumers(name).Any(u =>
            BiasInputs.Contains((u.Node.OpType, u.Input)) ||
            (u.Node.OpType == "Add" && index.Producer(u.Node.Input[1 - u.Input]) is { OpType: "MatMul" or "Conv" }));
    }

    private static long Count(GraphProto graph, IEnumerable<string> names)
    {
        var set = names.ToHashSet(StringComparer.Ordinal);
        return graph.Initializer.Where(t => set.Contains(t.Name) && t.DataType == (int)TensorProto.Types.DataType.Float)
            .Sum(t => t.Dims.Aggregate(1L, (a, d) => a * d));
    }
}
