using OnnxVideo.Media;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Packaging.Contracts;

/// <summary>Reads and writes the <see cref="PreprocessingContract"/> (with the class labels) in a model's metadata_props.</summary>
internal static class ModelContracts
{
    /// <summary>
    /// Validates the contract and stores it under <see cref="PreprocessingContract.MetadataKey"/>. When the model has an
    /// output <paramref name="logitsOutput"/> with a fixed last dimension, the label count must equal it.
    /// </summary>
    public static void Write(ModelProto model, PreprocessingContract contract, string logitsOutput = "logits", string source = "model")
    {
        contract.Validate(source);
        var classes = FixedLastDimension(model, logitsOutput);
        if (classes is { } n && contract.Labels.Length != 0 && contract.Labels.Length != n)
        {
            throw new InvalidContractException(source, $"class count mismatch: {contract.Labels.Length} labels for a model whose '{logitsOutput}' output has {n} classes");
        }
        ModelMetadata.Set(model, PreprocessingContract.MetadataKey, contract.ToJson());
    }

    /// <summary>The stored contract, or null when the model carries none; a malformed one is an <see cref="InvalidContractException"/>.</summary>
    public static PreprocessingContract? Read(ModelProto model, string source = "model")
    {
        var json = ModelMetadata.Get(model, PreprocessingContract.MetadataKey);
        return json is null ? null : PreprocessingContract.FromJson(json, source);
    }

    /// <summary>The last dimension of a graph output when it is a fixed number.</summary>
    public static long? FixedLastDimension(ModelProto model, string outputName)
    {
        var output = model.Graph.Output.FirstOrDefault(o => o.Name == outputName);
        var dims = output?.Type?.TensorType?.Shape?.Dim;
        if (dims is null || dims.Count == 0)
        {
            return null;
        }
        var last = dims[^1];
        return last.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? last.DimValue : null;
    }
}
