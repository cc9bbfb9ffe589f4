using OnnxVideo.Packaging.Tuning;
using OnnxVideo.Media;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Graphs;
using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Packaging;

/// <summary>
/// Bakes trained weights into a plain inference model: the package's eval graph with the trainable parameters and running statistics as
/// initializers, LoRA adapters merged into their base weights, the loss removed and the frozen weights inlined, and the
/// preprocessing contract in the metadata. Outputs: the logits, then the model's features output when the eval graph kept it.
/// </summary>
internal static class InferenceExport
{
    /// <summary>
    /// Writes <paramref name="outputPath"/> from <paramref name="package"/> and the trained weights in
    /// <paramref name="weightsPath"/> (a safetensors file with the package's parameter names; default: the package's
    /// initial weights). Tensors of at least <paramref name="externalDataThreshold"/> bytes go to "&lt;file&gt;.data".
    /// </summary>
    public static ModelProto Export(TrainingPackage package, string? weightsPath, string outputPath,
        PreprocessingContract? contract = null, long externalDataThreshold = long.MaxValue)
    {
        var model = Build(package, weightsPath, contract);
        OnnxModelFile.Save(model, outputPath, externalDataThreshold);
        return model;
    }

    /// <summary>The inference model in memory (see <see cref="Export"/>).</summary>
    public static ModelProto Build(TrainingPackage package, string? weightsPath, PreprocessingContract? contract = null)
    {
        var weights = package.ReadTrainable(weightsPath);
        ModelProto model;
        try
        {
            model = OnnxModelFile.Load(package.EvalPath, loadExternalData: true);
        }
        catch (OnnxFormatException e)
        {
            throw new TrainingPackageException(package.EvalPath, e.Message, e);
        }
        var graph = model.Graph;
        var io = package.Io;
        var trainable = weights.Keys.ToHashSet(StringComparer.Ordinal);
        for (var i = graph.Input.Count - 1; i >= 0; i--)
        {
            if (trainable.Contains(graph.Input[i].Name) || graph.Input[i].Name == io.Labels)
            {
                graph.Input.RemoveAt(i);
            }
        }
        foreach (var (name, shape) in package.Parameters.Select(p => (p.Name, p.Shape)).Concat(package.Buffers.Select(b => (b.Name, b.Shape))))
        {
            graph.Initializer.Add(TensorProtos.FromFloats(name, weights[name], shape));
        }
        foreach (var adapter in package.Manifest.Tuning.LoraAdapters)
        {
            Merge(graph, adapter, weights, package.EvalPath);
        }
        var logits = graph.Output.FirstOrDefault(o => o.Name == io.Logits)
            ?? throw new TrainingPackageException(package.EvalPath, $"the eval graph has no output '{io.Logits}'");
        // Logits first, then the other outputs the eval graph keeps from the model (its features), not the loss.
        var kept = graph.Output.Where(o => o.Name != io.Loss && o != logits).ToList();
        graph.Output.Clear();
        graph.Output.Add(logits);
        graph.Output.AddRange(kept);
        GraphRewrites.Prune(graph);
        var finalContract = contract ?? package.Contract;
        if (finalContract is not null)
        {
            ModelMetadata.Set(model, PreprocessingContract.MetadataKey, finalContract.ToJson());
        }
        return model;
    }

    private static void Merge(GraphProto graph, LoraAdapter adapter, IReadOnlyDictionary<string, float[]> weights, string source)
    {
        var index = graph.Initializer.Select((t, i) => (t, i)).FirstOrDefault(x => x.t.Name == adapter.Weight);
        if (index.t is null)
        {
            throw new TrainingPackageException(source, $"LoRA base weight '{adapter.Weight}' is not an initializer of the eval graph");
        }
        var merged = adapter.Merge(TensorProtos.ToFloats(index.t), weights[adapter.A], weights[adapter.B]);
        graph.Initializer[index.i] = TensorProtos.FromFloats(adapter.Weight, merged, index.t.Dims.ToArray());
        foreach (var join in adapter.Joins)
        {
            var add = graph.Node.FirstOrDefault(n => n.OpType == "Add" && n.Output.Count == 1 && n.Output[0] == join.Output && n.Input.Contains(join.BaseOutput))
                ?? throw new TrainingPackageException(source, $"LoRA join '{join.Output}' of '{adapter.Weight}' not found in the eval graph");
            graph.Node.Remove(add);
            GraphRewrites.RenameValue(graph, join.BaseOutput, join.Output);
        }
    }
}
