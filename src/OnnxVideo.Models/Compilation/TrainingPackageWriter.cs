using System.Globalization;
using System.Runtime.InteropServices;
using OnnxVideo.Autodiff.Optimizers;
using OnnxVideo.Packaging.Optimizers;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;
using OnnxVideo.Onnx.Safetensors;
using OnnxVideo.Packaging;

namespace OnnxVideo.Models.Compilation;

/// <summary>
/// Writes a training package folder. Every file goes to a temporary name and is renamed into place; an existing
/// manifest is removed first and the new manifest is written last, so a folder with a manifest is always complete.
/// Frozen weights are written once to frozen.safetensors and every graph references them as ONNX external data
/// (location frozen.safetensors, offset and length of the tensor inside it), so ORT can read them directly and a
/// loader can instead supply one shared copy to all sessions (SessionOptions.AddInitializer).
/// </summary>
internal static class TrainingPackageWriter
{
    public static TrainingPackageManifest Write(ModelProto model, TrainingPackageOptions options, string outputDirectory, string sourceName = "model") =>
        Write(TrainingGraphCompiler.Compile(model, options, sourceName), options, outputDirectory);

    internal static TrainingPackageManifest Write(CompiledTrainingGraphs compiled, TrainingPackageOptions options, string outputDirectory)
    {
        var dir = Path.GetFullPath(outputDirectory);
        Directory.CreateDirectory(dir);
        var manifestPath = Path.Combine(dir, TrainingPackageManifest.FileName);
        File.Delete(manifestPath);
        var files = new PackageGraphFiles { InputGradient = compiled.InputGradient is null ? null : "input_grad.onnx" };

        var (stored, references) = WriteFrozen(compiled, options, dir, files.Frozen);
        var graphFiles = WriteGraphs(compiled, files, references, dir);
        var parameters = WriteTrainable(compiled, options.Optimizer, files, dir);
        foreach (var graph in graphFiles)
        {
            OrtModelCheck.RequireLoadable(Path.Combine(dir, graph));
        }
        var (caption, captionFiles) = compiled.Caption is { } captionGraphs
            ? CaptionPackageFiles.Write(captionGraphs, options.TokenizerPath, dir)
            : (null, []);
        if (caption is null && options.TokenizerPath is not null)
        {
            throw new TrainingPackageException(options.TokenizerPath, "a tokenizer belongs to captioning packages; this model is a classifier");
        }
        var written = graphFiles.Concat([files.Trainable, files.OptimizerState, files.Frozen]).Concat(captionFiles)
            .Select(f => Path.Combine(dir, f))
            .Select(path => new PackageFileEntry(Path.GetFileName(path), new FileInfo(path).Length, TrainingPackage.Sha256Of(path)))
            .ToList();
        var manifest = Manifest(compiled, options, files, parameters, stored, caption, written);
        AtomicFile.Write(manifestPath, stream =>
        {
            using var writer = new StreamWriter(stream, leaveOpen: true);
            writer.Write(manifest.ToJson());
        });
        return manifest;
    }

    /// <summary>Writes the frozen tensors at or above the size threshold to <paramref name="file"/>; returns them and
    /// the external-data references that replace them in the graphs.</summary>
    private static (List<TensorProto> Stored, Dictionary<string, TensorProto> References) WriteFrozen(CompiledTrainingGraphs compiled,
        TrainingPackageOptions options, string dir, string file)
    {
        var stored = compiled.FrozenInitializers
            .Where(t => t.DataType is (int)TensorProto.Types.DataType.Float or (int)TensorProto.Types.DataType.Int64)
            .Where(t => TensorProtos.ElementCount(t) * (t.DataType == (int)TensorProto.Types.DataType.Int64 ? 8 : 4) >= options.FrozenThresholdBytes)
            .ToList();
        var frozenPath = Path.Combine(dir, file);
        SafetensorsWriter.WriteFile(frozenPath, stored.Select(ToSafetensors).ToList());
        var references = new Dictionary<string, TensorProto>(StringComparer.Ordinal);
        using var frozen = SafetensorsFile.Open(frozenPath);
        foreach (var t in stored)
        {
            var info = frozen.GetInfo(t.Name);
            var reference = new TensorProto { Name = t.Name, DataType = t.DataType, DataLocation = TensorProto.Types.DataLocation.External };
            reference.Dims.AddRange(t.Dims);
            reference.ExternalData.Add(Entry("location", file));
            reference.ExternalData.Add(Entry("offset", (frozen.DataStart + info.Begin).ToString(CultureInfo.InvariantCulture)));
            reference.ExternalData.Add(Entry("length", info.ByteLength.ToString(CultureInfo.InvariantCulture)));
            references[t.Name] = reference;
        }
        return (stored, references);
    }

    /// <summary>Writes every graph with its frozen tensors as external-data references, then the optimizer graph; returns their file names.</summary>
    private static List<string> WriteGraphs(CompiledTrainingGraphs compiled, PackageGraphFiles files, Dictionary<string, TensorProto> references, string dir)
    {
        var graphs = new List<(ModelProto Model, string File)> { (compiled.TrainStep, files.TrainStep), (compiled.Eval, files.Eval), (compiled.Gradients, files.Gradients) };
        if (compiled.InputGradient is { } inputGradient)
        {
            graphs.Add((inputGradient, files.InputGradient!));
        }
        foreach (var (graphModel, file) in graphs)
        {
            var copy = graphModel.Clone();
            var initializers = copy.Graph.Initializer;
            for (var i = 0; i < initializers.Count; i++)
            {
                if (references.TryGetValue(initializers[i].Name, out var reference))
                {
                    initializers[i] = reference.Clone();
                }
            }
            OnnxModelFile.Save(copy, Path.Combine(dir, file));
        }
        OnnxModelFile.Save(compiled.Optimizer, Path.Combine(dir, files.Optimizer));
        return graphs.Select(g => g.File).Append(files.Optimizer).ToList();
    }

    /// <summary>Writes the initial trainable tensors and the zero optimizer state; returns the parameters' manifest entries.</summary>
    private static List<PackageParameterEntry> WriteTrainable(CompiledTrainingGraphs compiled, OptimizerSettings settings, PackageGraphFiles files, string dir)
    {
        SafetensorsWriter.WriteFile(Path.Combine(dir, files.Trainable), compiled.InitialParameters.Concat(compiled.InitialBuffers).Select(ToSafetensors).ToList());
        var parameters = compiled.InitialParameters.Select(t =>
        {
            var shape = t.Dims.ToArray();
            var state = settings.StateSuffixes.Select(s => new PackageStateEntry(t.Name + s, t.Name + s + OptimizerGraph.UpdatedSuffix)).ToList();
            return new PackageParameterEntry(t.Name, shape, settings.DecaysParameter(shape), t.Name + OptimizerGraph.GradientSuffix,
                t.Name + OptimizerGraph.UpdatedSuffix, state, compiled.LearningRateScales[t.Name]);
        }).ToList();
        var zeroState = parameters.SelectMany(p => p.State.Select(s =>
            SafetensorsTensor.FromFloats(s.Name, new float[p.Shape.Aggregate(1L, (a, d) => a * d)], p.Shape))).ToList();
        SafetensorsWriter.WriteFile(Path.Combine(dir, files.OptimizerState), zeroState);
        return parameters;
    }

    private static TrainingPackageManifest Manifest(CompiledTrainingGraphs compiled, TrainingPackageOptions options, PackageGraphFiles files,
        List<PackageParameterEntry> parameters, List<TensorProto> stored, PackageCaptionEntry? caption, List<PackageFileEntry> written)
    {
        var selection = compiled.Selection;
        return new TrainingPackageManifest
        {
            Contract = options.Contract ?? ContractOf(compiled.Eval),
            ClassCount = compiled.ClassCount,
            Tuning = new PackageTuningEntry(selection.Spec.ToString(), selection.Spec.Kind, selection.Head.Weight, selection.Head.Bias, selection.Adapters,
                selection.Bottlenecks, selection.Prompts),
            Optimizer = options.Optimizer,
            OptimizerStateGuarded = options.InPlaceOptimizerState,
            LabelSmoothing = options.LabelSmoothing,
            ClipNorm = options.ClipNorm,
            LayerDecay = options.LayerDecay,
            Distillation = options.Distillation,
            Dropout = compiled.DropoutSites,
            Opset = OnnxModels.DefaultOpset(compiled.TrainStep),
            Io = compiled.Io,
            Caption = caption,
            Graphs = files,
            Parameters = parameters,
            Buffers = compiled.InitialBuffers.Select(t => new PackageBufferEntry(t.Name, t.Dims.ToArray(), t.Name + OptimizerGraph.UpdatedSuffix)).ToList(),
            BatchNorm = options.BatchNorm,
            Frozen = stored.Select(t => new PackageTensorEntry(t.Name, DTypeOf(t).ToString(), t.Dims.ToArray())).ToList(),
            TrainableParameterCount = compiled.TrainableParameterCount,
            FrozenParameterCount = compiled.FrozenParameterCount,
            Files = written,
        };
    }

    private static Media.PreprocessingContract? ContractOf(ModelProto model) =>
        ModelMetadata.Get(model, Media.PreprocessingContract.MetadataKey) is { } json ? Media.PreprocessingContract.FromJson(json) : null;

    private static StringStringEntryProto Entry(string key, string value) => new() { Key = key, Value = value };

    private static SafetensorsDType DTypeOf(TensorProto t) =>
        t.DataType == (int)TensorProto.Types.DataType.Int64 ? SafetensorsDType.I64 : SafetensorsDType.F32;

    private static SafetensorsTensor ToSafetensors(TensorProto t)
    {
        var shape = t.Dims.ToArray();
        if (t.DataType == (int)TensorProto.Types.DataType.Int64)
        {
            return SafetensorsTensor.FromInt64s(t.Name, TensorProtos.ToInt64s(t), shape);
        }
        return t.RawData.Length > 0
            ? new SafetensorsTensor(t.Name, SafetensorsDType.F32, shape, t.RawData.ToByteArray())
            : new SafetensorsTensor(t.Name, SafetensorsDType.F32, shape, MemoryMarshal.AsBytes(TensorProtos.ToFloats(t).AsSpan()).ToArray());
    }
}
