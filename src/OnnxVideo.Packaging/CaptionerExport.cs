using OnnxVideo.Media;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;
using OnnxVideo.Packaging.Tuning;

namespace OnnxVideo.Packaging;

/// <summary>
/// Writes a captioner folder (captioner.json, encoder.onnx, decoder.onnx, decoder_memory.onnx, decoder_step.onnx, tokenizer.json) from a
/// captioning package and trained weights: each inference graph's initializers named like package parameters get the
/// trained values, LoRA adapters are merged into their base weights. captioner.json is written last, so a folder
/// with it is complete.
/// </summary>
internal static class CaptionerExport
{
    /// <summary>
    /// <paramref name="weightsPath"/>: a safetensors file with the package's parameter names (default: the package's
    /// initial weights); <paramref name="contract"/> overrides the package's preprocessing contract.
    /// </summary>
    public static CaptionerManifest Export(TrainingPackage package, string? weightsPath, string folder, PreprocessingContract? contract = null)
    {
        var caption = package.Manifest.Caption
            ?? throw new TrainingPackageException(package.ManifestPath, "not a captioning package (no caption entry); export classifiers with InferenceExport");
        if (caption.TokenizerFile is null)
        {
            throw new TrainingPackageException(package.ManifestPath, "the package has no tokenizer; compile it with --tokenizer so the captioner can turn tokens into text");
        }
        var finalContract = contract ?? package.Contract
            ?? throw new TrainingPackageException(package.ManifestPath, "the package has no preprocessing contract; give one");
        var weights = package.ReadTrainable(weightsPath);
        var dir = Path.GetFullPath(folder);
        Directory.CreateDirectory(dir);
        var manifestPath = Path.Combine(dir, CaptionerManifest.FileName);
        File.Delete(manifestPath);
        foreach (var file in new[] { caption.EncoderFile, caption.DecoderFile, caption.DecoderMemoryFile, caption.DecoderStepFile })
        {
            var model = Load(package.PathOf(file));
            Substitute(model.Graph, weights, package.Manifest.Tuning.LoraAdapters);
            OnnxModelFile.Save(model, Path.Combine(dir, file));
        }
        var tokenizer = Path.Combine(dir, caption.TokenizerFile);
        AtomicFile.WriteAllBytes(tokenizer, File.ReadAllBytes(package.PathOf(caption.TokenizerFile)));
        var manifest = new CaptionerManifest
        {
            Contract = finalContract,
            VocabularySize = caption.VocabularySize,
            MaxLength = caption.MaxLength,
            Pad = caption.Pad,
            Bos = caption.Bos,
            Eos = caption.Eos,
            Layers = caption.Layers,
            Heads = caption.Heads,
            HeadDim = caption.HeadDim,
            ModelDim = caption.ModelDim,
            MemoryTokens = caption.MemoryTokens,
            EncoderFile = caption.EncoderFile,
            DecoderFile = caption.DecoderFile,
            DecoderMemoryFile = caption.DecoderMemoryFile,
            DecoderStepFile = caption.DecoderStepFile,
            TokenizerFile = caption.TokenizerFile,
        };
        AtomicFile.WriteAllBytes(manifestPath, System.Text.Encoding.UTF8.GetBytes(manifest.ToJson()));
        return manifest;
    }

    /// <summary>Replaces the graph's initializers by the trained weights of the same name, then merges LoRA adapters into their bases.</summary>
    internal static void Substitute(GraphProto graph, IReadOnlyDictionary<string, float[]> weights, IReadOnlyList<LoraAdapter> adapters)
    {
        var initializers = graph.Initializer;
        for (var i = 0; i < initializers.Count; i++)
        {
            if (weights.TryGetValue(initializers[i].Name, out var trained))
            {
                initializers[i] = TensorProtos.FromFloats(initializers[i].Name, trained, initializers[i].Dims.ToArray());
            }
        }
        foreach (var adapter in adapters)
        {
            for (var i = 0; i < initializers.Count; i++)
            {
                if (initializers[i].Name == adapter.Weight)
                {
                    var merged = adapter.Merge(TensorProtos.ToFloats(initializers[i]), weights[adapter.A], weights[adapter.B]);
                    initializers[i] = TensorProtos.FromFloats(adapter.Weight, merged, initializers[i].Dims.ToArray());
                }
            }
        }
    }

    private static ModelProto Load(string path)
    {
        try
        {
            return OnnxModelFile.Load(path, loadExternalData: true);
        }
        catch (OnnxFormatException e)
        {
            throw new TrainingPackageException(path, e.Message, e);
        }
    }
}
