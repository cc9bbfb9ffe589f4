using OnnxVideo.Media;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Graphs;
using OnnxVideo.Onnx.Proto;
using OnnxVideo.Packaging.Contracts;

namespace OnnxVideo.Models.Import;

/// <summary>
/// Class-incremental learning's first step: a trained classifier gains new classes. The head keeps every weight
/// of the old classes (their logits are unchanged) and gets rows for the new ones, initialised like
/// <c>nn.Linear</c> (uniform ±1/√F, seeded); the contract's labels become the old ones followed by the new.
/// </summary>
internal static class HeadExtension
{
    /// <summary>Extends <paramref name="model"/> (read from <paramref name="source"/>) in place by <paramref name="newLabels"/>.</summary>
    /// <exception cref="InvalidInputException">A new label repeats an old one or another new one.</exception>
    public static void Extend(ModelProto model, IReadOnlyList<string> newLabels, int seed, string source, string labelsSource)
    {
        var contract = ModelContracts.Read(model, source)
            ?? throw new InvalidContractException(source, "the model carries no preprocessing contract, so its class names are unknown; import it with 'onnxvideo-export head' first");
        var oldLabels = contract.Labels is { Length: > 0 } labels ? labels : throw new InvalidContractException(source, "the model's contract has no class labels");
        CheckLabels(oldLabels, newLabels, source, labelsSource);
        var graph = model.Graph;
        var view = new GraphView(graph);
        // The zoo and most exporters name the class scores "logits"; otherwise they are the first output.
        var logits = graph.Output.FirstOrDefault(o => o.Name == "logits")?.Name ?? graph.Output[0].Name;
        var head = ClassifierHeadFinder.Find(view, source, logits);
        if (head.ClassCount != oldLabels.Length)
        {
            throw new InvalidContractException(source, $"the head has {head.ClassCount} outputs but the contract names {oldLabels.Length} classes");
        }
        RequireOnlyUse(view, head, source);
        if (head.Nodes.FirstOrDefault(n => n.OpType == "Reshape" && view.Constant(n.Input[1]) is { } target && TensorProtos.ToInt64s(target).Contains(head.ClassCount)) is { } reshape)
        {
            throw new InvalidContractException(source, $"the head's Reshape '{reshape.Name}' fixes the class count {head.ClassCount}; extend a model whose head ends in Gemm or MatMul(+Add)");
        }
        var random = new Random(seed);
        var bound = 1 / Math.Sqrt(head.FeatureCount);
        float Initial() => (float)((random.NextDouble() * 2 - 1) * bound);
        // Gemm with transB and the 1×1(×1) Conv head store one row per class ([C, F(, 1…)]); MatMul and plain Gemm [F, C].
        bool classesFirst = head.Kind == ClassifierHeadKind.ConvMean
            || (head.Kind == ClassifierHeadKind.Gemm && AttributeValues.Int(head.Nodes[0], "transB", 0) != 0);
        ReplaceInitializer(graph, head.Weight, w => classesFirst ? AppendRows(w, newLabels.Count, Initial) : AppendColumns(w, newLabels.Count, Initial));
        if (head.Bias is { } bias) ReplaceInitializer(graph, bias, b => AppendRows(b, newLabels.Count, Initial));
        var classes = head.ClassCount + newLabels.Count;
        var headValues = head.Nodes.SelectMany(n => n.Output).ToHashSet(StringComparer.Ordinal);
        var declared = graph.ValueInfo.Where(v => headValues.Contains(v.Name)).ToList();
        foreach (var v in declared) graph.ValueInfo.Remove(v);
        var output = graph.Output.First(o => o.Name == logits);
        if (output.Type?.TensorType?.Shape is { Dim.Count: 2 } shape) shape.Dim[1] = new TensorShapeProto.Types.Dimension { DimValue = classes };
        ModelContracts.Write(model, contract with { Labels = [.. oldLabels, .. newLabels] }, logits, source);
    }

    private static void CheckLabels(IReadOnlyList<string> oldLabels, IReadOnlyList<string> newLabels, string source, string labelsSource)
    {
        if (newLabels.Count == 0) throw new InvalidInputException(labelsSource, "names no new class");
        var old = oldLabels.ToHashSet(StringComparer.Ordinal);
        if (newLabels.FirstOrDefault(old.Contains) is { } repeated)
            throw new InvalidInputException(labelsSource, $"'{repeated}' is already a class of {source}; list only the new classes");
        if (newLabels.GroupBy(l => l, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new InvalidInputException(labelsSource, $"'{twice.Key}' is listed {twice.Count()} times");
    }

    /// <summary>The head's weights must be its own: a tied or shared tensor would change elsewhere too.</summary>
    private static void RequireOnlyUse(GraphView view, ClassifierHead head, string source)
    {
        foreach (var name in new[] { head.Weight, head.Bias }.OfType<string>())
        {
            if (view.Consumers(name).Count() != 1)
                throw new InvalidContractException(source, $"the head's tensor '{name}' is also used outside the head, so it cannot grow");
        }
    }

    private static void ReplaceInitializer(GraphProto graph, string name, Func<TensorProto, TensorProto> grow)
    {
        var index = graph.Initializer.ToList().FindIndex(t => t.Name == name);
        if (index < 0) throw new InvalidOperationException($"head tensor '{name}' is not an initializer");
        graph.Initializer[index] = grow(graph.Initializer[index]);
    }

    /// <summary>[C, …] → [C + k, …] (a bias is a single row per class).</summary>
    private static TensorProto AppendRows(TensorProto t, int k, Func<float> initial)
    {
        var values = TensorProtos.ToFloats(t);
        long rowLength = t.Dims.Count > 1 ? t.Dims.Skip(1).Aggregate(1L, (a, d) => a * d) : 1;
        var grown = values.Concat(Enumerable.Range(0, (int)(k * rowLength)).Select(_ => initial())).ToArray();
        return TensorProtos.FromFloats(t.Name, grown, [t.Dims[0] + k, .. t.Dims.Skip(1)]);
    }

    /// <summary>[F, C] → [F, C + k].</summary>
    private static TensorProto AppendColumns(TensorProto t, int k, Func<float> initial)
    {
        var values = TensorProtos.ToFloats(t);
        var (rows, columns) = (t.Dims[0], t.Dims[1]);
        var grown = new float[rows * (columns + k)];
        for (long r = 0; r < rows; r++)
        {
            Array.Copy(values, r * columns, grown, r * (columns + k), columns);
            for (long c = columns; c < columns + k; c++) grown[r * (columns + k) + c] = initial();
        }
        return TensorProtos.FromFloats(t.Name, grown, rows, columns + k);
    }
}
