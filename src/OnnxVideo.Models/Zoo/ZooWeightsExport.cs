using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;
using OnnxVideo.Onnx.Safetensors;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Models.Zoo;

/// <summary>
/// Takes a zoo architecture's parameters (and BatchNorm running statistics) out of a model of that architecture, e.g.
/// a trained <c>best/model.onnx</c>, as safetensors tensors under the architecture's names: the file
/// <see cref="ModelZoo.Build(ZooArchitecture, ZooOptions)"/> reads with <see cref="ZooOptions.WeightsPath"/>.
/// </summary>
internal static class ZooWeightsExport
{
    /// <summary>The tensors, in declaration order; a model that lacks one or holds another shape is a
    /// <see cref="ZooWeightsMismatchException"/> naming <paramref name="source"/> and every problem.</summary>
    public static IReadOnlyList<SafetensorsTensor> Extract(ZooArchitecture architecture, ModelProto model, string source)
    {
        var declared = Declared(architecture, model, source);
        var initializers = new Dictionary<string, TensorProto>(StringComparer.Ordinal);
        foreach (var t in model.Graph.Initializer)
        {
            initializers.TryAdd(t.Name, t);
        }
        var missing = new List<string>();
        var mismatches = new List<ZooShapeMismatch>();
        var tensors = new List<SafetensorsTensor>();
        foreach (var (name, shape) in declared)
        {
            if (!initializers.TryGetValue(name, out var tensor) || tensor.DataType != (int)DataType.Float)
            {
                missing.Add(name);
                continue;
            }
            if (!tensor.Dims.SequenceEqual(shape))
            {
                mismatches.Add(new ZooShapeMismatch(name, shape, tensor.Dims.ToArray()));
                continue;
            }
            tensors.Add(SafetensorsTensor.FromFloats(name, TensorProtos.ToFloats(tensor), shape));
        }
        if (missing.Count > 0 || mismatches.Count > 0)
        {
            throw new ZooWeightsMismatchException(source, architecture.Name, missing, [], mismatches, "is it a model of this architecture?");
        }
        return tensors;
    }

    /// <summary>The architecture's declarations for the model's clip shape and class count.</summary>
    private static IReadOnlyList<(string Name, long[] Shape)> Declared(ZooArchitecture architecture, ModelProto model, string source)
    {
        var input = model.Graph.Input.FirstOrDefault(i => i.Name == ModelZoo.InputName)?.Type?.TensorType?.Shape?.Dim;
        var classes = Packaging.Contracts.ModelContracts.FixedLastDimension(model, ModelZoo.LogitsName);
        if (input is not { Count: 5 } || classes is null || input.Skip(1).Any(d => d.ValueCase != TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue))
        {
            throw new OnnxFormatException(source, $"not a zoo model: expected input '{ModelZoo.InputName}' [N, 5-D fixed sample] and output '{ModelZoo.LogitsName}' [N, classes]");
        }
        var sample = input.Skip(1).Select(d => d.DimValue).ToArray();
        var (frames, size) = architecture.InputLayout == Media.TensorLayout.NTCHW ? (sample[0], sample[2]) : (sample[1], sample[2]);
        var graph = new ZooGraph(new GraphBuilder(architecture.Name), parameters: null);
        architecture.Define(graph, new ZooValue(ModelZoo.InputName, architecture.InputShape((int)frames, (int)size)), (int)classes);
        return graph.Declared;
    }
}
