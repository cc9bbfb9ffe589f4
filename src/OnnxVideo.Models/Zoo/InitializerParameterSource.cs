using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Models.Zoo;

/// <summary>
/// Parameters from a model's own initializers (how the package compiler rebuilds a captioner's inference graphs with
/// the model's weights); names not in the model come from <paramref name="fallback"/>, or are an error without one.
/// </summary>
internal sealed class InitializerParameterSource(IEnumerable<TensorProto> initializers, string source, IZooParameterSource? fallback = null)
    : IZooParameterSource
{
    private readonly Dictionary<string, TensorProto> byName = initializers.GroupBy(t => t.Name, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

    /// <summary>Names served from the initializers so far.</summary>
    public HashSet<string> Used { get; } = new(StringComparer.Ordinal);

    public TensorProto Create(string name, long[] shape, ParameterInit init)
    {
        if (!byName.TryGetValue(name, out var tensor))
        {
            return fallback?.Create(name, shape, init)
                ?? throw new InvalidInputException(source, $"has no tensor '{name}' [{string.Join(", ", shape)}]");
        }
        if (tensor.DataType != (int)TensorProto.Types.DataType.Float || !tensor.Dims.SequenceEqual(shape))
        {
            throw new InvalidInputException(source, $"tensor '{name}' is [{string.Join(", ", tensor.Dims)}], expected float32 [{string.Join(", ", shape)}]");
        }
        Used.Add(name);
        return tensor.Clone();
    }
}
