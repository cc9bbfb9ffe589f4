using OnnxVideo.Models.Import.ControlFlow;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Graphs;
using OnnxVideo.Onnx.Proto;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Models.Import;

/// <summary>
/// Turns a foreign ONNX classifier (e.g. <c>torch.onnx.export</c> of a torchvision video model, BatchNorm folded or
/// not) into one of ours: finds its linear head, optionally exposes the penultimate features as an extra output,
/// replaces the head with a new one for N classes or keeps it, and makes a fixed batch dimension symbolic.
/// </summary>
internal static class OnnxClassifierImporter
{
    public const string BatchDim = "N";

    /// <summary>Loads <paramref name="modelPath"/> (with its external data) and imports it.</summary>
    public static ImportedClassifier Import(string modelPath, ImportOptions options) =>
        Import(OnnxModelFile.Load(modelPath), modelPath, options);

    /// <summary>
    /// Changes <paramref name="model"/> in place. The new head is Gemm(features, head.weight [N, F], head.bias [N],
    /// transB=1) initialised like <c>torch.nn.Linear</c>: weights and bias uniform in ±1/√F.
    /// </summary>
    /// <exception cref="HeadNotFoundException">The graph does not end in a linear head.</exception>
    public static ImportedClassifier Import(ModelProto model, string source, ImportOptions options)
    {
        if (options.NewClasses is < 1)
        {
            throw new ArgumentException($"new head needs at least 1 class (got {options.NewClasses})", nameof(options));
        }
        var graph = model.Graph;
        var notes = new List<string>();
        if (options.MakeBatchSymbolic)
        {
            notes.AddRange(BatchDimension.MakeSymbolic(graph, BatchDim));
        }
        notes.AddRange(ControlFlowSimplifier.Simplify(graph));
        var head = ClassifierHeadFinder.Find(new GraphView(graph), source, options.LogitsOutput);
        var logitsInfo = graph.Output.First(o => o.Name == head.LogitsOutput);
        var batch = BatchOf(logitsInfo);
        // A Conv + mean head is always rebuilt as mean + Gemm, so that every imported model ends in a 2-D Gemm.
        var keptConvHead = options.NewClasses is null && head.Kind == ClassifierHeadKind.ConvMean
            ? KeptConvHeadTensors(new GraphView(graph), head) : null;
        var rebuild = options.NewClasses is not null || keptConvHead is not null;
        if (rebuild)
        {
            RemoveHead(graph, head);
        }

        var builder = GraphBuilder.Wrap(graph);
        var (features2d, featuresName) = AddFeatures(model, builder, head, options, rebuild, batch, source);

        var classes = head.ClassCount;
        if (options.NewClasses is { } newClasses)
        {
            AddNewHead(graph, builder, head, features2d, newClasses, options.Seed, source);
            var i = graph.Output.IndexOf(logitsInfo);
            graph.Output[i] = GraphBuilder.ValueInfo(head.LogitsOutput, DataType.Float, batch, newClasses);
            classes = newClasses;
            notes.Add($"replaced the {head.Kind} head ({head.FeatureCount} → {head.ClassCount}) with {ImportOptions.NewHeadWeight}/{ImportOptions.NewHeadBias} ({head.FeatureCount} → {newClasses})");
        }
        else if (keptConvHead is { } kept)
        {
            foreach (var tensor in kept)
            {
                if (graph.Initializer.FirstOrDefault(t => t.Name == tensor.Name) is { } old)
                {
                    graph.Initializer.Remove(old);
                }
                graph.Initializer.Add(tensor);
            }
            AddNode(graph, builder, "Gemm", [features2d, .. kept.Select(t => t.Name)], head.LogitsOutput, [AttributeValues.Create("transB", 1L)]);
            notes.Add($"rewrote the 1×1 Conv + mean head as mean + Gemm ({head.Weight} reshaped to [{head.ClassCount}, {head.FeatureCount}])");
        }
        return new ImportedClassifier(model, head, classes, head.LogitsOutput, featuresName, notes);
    }

    /// <summary>
    /// The [N, F] features the new or rebuilt head reads, exposed as an output when asked; returns that value and the
    /// features output's name (null when not exposed).
    /// </summary>
    private static (string Features, string? FeaturesName) AddFeatures(ModelProto model, GraphBuilder builder, ClassifierHead head,
        ImportOptions options, bool rebuild, Dim batch, string source)
    {
        var graph = builder.Graph;
        if (options.ExposeFeatures && head.Kind == ClassifierHeadKind.Gemm && head.FeaturesValue == options.FeaturesName)
        {
            // Already named as asked (e.g. a zoo model): declare it as an output unless it is one.
            if (!graph.Output.Any(o => o.Name == head.FeaturesValue))
            {
                builder.Output(head.FeaturesValue, DataType.Float, batch, head.FeatureCount);
            }
            return (head.FeaturesValue, head.FeaturesValue);
        }
        if (!options.ExposeFeatures && !(rebuild && head.Kind != ClassifierHeadKind.Gemm))
        {
            return (head.FeaturesValue, null);
        }
        var name = options.ExposeFeatures ? options.FeaturesName : builder.UniqueName("head.features");
        if (options.ExposeFeatures && builder.IsNameUsed(name))
        {
            throw new ArgumentException($"{source}: the graph already has a value named '{name}'; choose another features name", nameof(options));
        }
        AddFeaturesNode(graph, builder, head, name, OnnxModels.DefaultOpset(model));
        if (!options.ExposeFeatures)
        {
            return (name, null);
        }
        builder.Output(name, DataType.Float, batch, head.FeatureCount);
        return (name, name);
    }

    /// <summary>
    /// The features [N, F] the head reads: Identity of a Gemm's input, Flatten of a MatMul's, the spatial mean of a
    /// Conv + mean head's.
    /// </summary>
    private static void AddFeaturesNode(GraphProto graph, GraphBuilder builder, ClassifierHead head, string name, long opset)
    {
        switch (head.Kind)
        {
            case ClassifierHeadKind.Gemm:
                AddNode(graph, builder, "Identity", [head.FeaturesValue], name, []);
                break;
            case ClassifierHeadKind.ConvMean:
                var axes = Enumerable.Range(2, head.SpatialRank).Select(a => (long)a).ToArray();
                var keepDims = AttributeValues.Create("keepdims", 0L);
                if (opset >= 18)
                {
                    AddNode(graph, builder, "ReduceMean", [head.FeaturesValue, builder.Constant(axes)], name, [keepDims]);
                }
                else
                {
                    AddNode(graph, builder, "ReduceMean", [head.FeaturesValue], name, [keepDims, AttributeValues.Create("axes", axes)]);
                }
                break;
            default:
                // A MatMul head may see [N, 1, F]; it is flattened to [N, F].
                AddNode(graph, builder, "Flatten", [head.FeaturesValue], name, [AttributeValues.Create("axis", 1L)]);
                break;
        }
    }

    /// <summary>The Conv head's weight reshaped to [C, F] and its bias, as initializers under their own names.</summary>
    private static List<TensorProto> KeptConvHeadTensors(GraphView index, ClassifierHead head)
    {
        var weight = index.Constant(head.Weight)!.Clone();
        weight.Name = head.Weight;
        weight.Dims.Clear();
        weight.Dims.Add([head.ClassCount, head.FeatureCount]);
        var tensors = new List<TensorProto> { weight };
        if (head.Bias is not null)
        {
            var bias = index.Constant(head.Bias)!.Clone();
            bias.Name = head.Bias;
            tensors.Add(bias);
        }
        return tensors;
    }

    /// <summary>Removes the head's nodes and whatever only they needed; the features and the other outputs keep theirs.</summary>
    private static void RemoveHead(GraphProto graph, ClassifierHead head)
    {
        foreach (var node in head.Nodes)
        {
            graph.Node.Remove(node);
        }
        GraphRewrites.Prune(graph, graph.Output.Select(o => o.Name).Append(head.FeaturesValue));
    }

    private static void AddNewHead(GraphProto graph, GraphBuilder builder, ClassifierHead head, string features, int classes, int seed, string source)
    {
        foreach (var name in new[] { ImportOptions.NewHeadWeight, ImportOptions.NewHeadBias })
        {
            if (builder.IsNameUsed(name))
            {
                throw new ArgumentException($"{source}: the graph already has a tensor named '{name}'");
            }
        }
        var random = new Random(seed);
        var bound = 1 / Math.Sqrt(head.FeatureCount);
        float Uniform() => (float)((random.NextDouble() * 2 - 1) * bound);
        var weight = new float[(long)classes * head.FeatureCount];
        for (var i = 0; i < weight.Length; i++)
        {
            weight[i] = Uniform();
        }
        var bias = new float[classes];
        for (var i = 0; i < bias.Length; i++)
        {
            bias[i] = Uniform();
        }
        builder.Initializer(ImportOptions.NewHeadWeight, weight, classes, head.FeatureCount);
        builder.Initializer(ImportOptions.NewHeadBias, bias, classes);
        AddNode(graph, builder, "Gemm", [features, ImportOptions.NewHeadWeight, ImportOptions.NewHeadBias], head.LogitsOutput,
            [AttributeValues.Create("transB", 1L)]);
    }

    /// <summary>Appends a node writing to a chosen value name (GraphBuilder names outputs itself).</summary>
    private static void AddNode(GraphProto graph, GraphBuilder builder, string opType, string[] inputs, string output, AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = builder.UniqueName($"import.{opType}") };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        graph.Node.Add(node);
    }

    private static Dim BatchOf(ValueInfoProto info)
    {
        var dims = info.Type?.TensorType?.Shape?.Dim;
        if (dims is null || dims.Count == 0)
        {
            return BatchDim;
        }
        return dims[0].ValueCase switch
        {
            TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue => dims[0].DimValue,
            TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam when dims[0].DimParam.Length > 0 => dims[0].DimParam,
            _ => BatchDim,
        };
    }
}
