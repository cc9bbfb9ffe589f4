using OnnxVideo.Media;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;
using OnnxVideo.Ort;

namespace OnnxVideo.Cli.Commands;

/// <summary>What <c>onnxvideo info</c> reports about a model file and this machine's ONNX Runtime.</summary>
internal sealed record ModelInfo(
    string Path,
    long FileSizeBytes,
    long ExternalDataBytes,
    long ParameterCount,
    long IrVersion,
    string ProducerName,
    string ProducerVersion,
    IReadOnlyDictionary<string, long> Opsets,
    IReadOnlyList<OrtNodeInfo> Inputs,
    IReadOnlyList<OrtNodeInfo> Outputs,
    IReadOnlyDictionary<string, string> Metadata,
    PreprocessingContract? Contract,
    string? ContractError,
    string OrtVersion,
    string OrtLibrary,
    IReadOnlyList<string> CompiledProviders,
    IReadOnlyList<ExecutionProviderStatus> ExecutionProviders,
    EpDeviceListing Devices)
{
    /// <summary>
    /// Reads the model with OnnxVideo.Onnx (checking external-data locations stay in the model's folder) and opens it
    /// with ONNX Runtime. Throws <see cref="OnnxFormatException"/> (also when ONNX Runtime refuses the model) or
    /// <see cref="UserFileException"/> naming the file.
    /// </summary>
    public static ModelInfo Read(string path)
    {
        var fullPath = System.IO.Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            throw new UserFileException(path, "model file not found");
        }

        var model = OnnxModelFile.Load(fullPath, loadExternalData: false);
        var externalBytes = ExternalDataFiles(model, fullPath).Sum(file => UserFileException.Guard(file, "cannot read the external data", () => new FileInfo(file).Length));
        var parameters = model.Graph.Initializer.Sum(TensorProtos.ElementCount);
        var opsets = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var opset in model.OpsetImport)
        {
            opsets[opset.Domain.Length == 0 ? "ai.onnx" : opset.Domain] = opset.Version;
        }

        using var session = OpenSession(path, fullPath);
        var metadata = session.Metadata.CustomMetadata;
        PreprocessingContract? contract = null;
        string? contractError = null;
        if (metadata.TryGetValue(PreprocessingContract.MetadataKey, out var contractJson))
        {
            try
            {
                contract = PreprocessingContract.FromJson(contractJson, $"{path} metadata '{PreprocessingContract.MetadataKey}'");
            }
            catch (InvalidContractException e)
            {
                contractError = e.Message;
            }
        }

        return new ModelInfo(
            fullPath,
            new FileInfo(fullPath).Length,
            externalBytes,
            parameters,
            model.IrVersion,
            model.ProducerName,
            model.ProducerVersion,
            opsets,
            session.Inputs,
            session.Outputs,
            new SortedDictionary<string, string>(metadata.ToDictionary(), StringComparer.Ordinal),
            contract,
            contractError,
            Ort.OrtLibrary.Version,
            Ort.OrtLibrary.LibraryPath,
            Ort.OrtLibrary.GetCompiledProviders(),
            Ort.ExecutionProviders.CheckAvailability(),
            EpDevices.List());
    }

    // Every location is resolved by OnnxVideo.Onnx's guard, so a model pointing outside its folder is refused here,
    // before ONNX Runtime would open the file.
    private static IReadOnlyCollection<string> ExternalDataFiles(ModelProto model, string modelPath)
    {
        var folder = System.IO.Path.GetDirectoryName(modelPath)!;
        var files = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tensor in ExternalData.AllTensors(model.Graph))
        {
            if (tensor.DataLocation != TensorProto.Types.DataLocation.External)
            {
                continue;
            }

            var location = tensor.ExternalData.LastOrDefault(e => e.Key == "location")?.Value ?? string.Empty;
            files.Add(ExternalData.ResolveInside(modelPath, folder, location, tensor.Name));
        }

        return files;
    }

    private static OrtSession OpenSession(string path, string fullPath)
    {
        try
        {
            return new OrtSession(fullPath, new OrtSessionOptions { IntraOpThreads = 1, OptimizationLevel = GraphOptimizationLevel.Basic });
        }
        catch (OrtException e)
        {
            throw new OnnxFormatException(path, $"ONNX Runtime cannot load the model: {e.OrtMessage}", e);
        }
    }
}
