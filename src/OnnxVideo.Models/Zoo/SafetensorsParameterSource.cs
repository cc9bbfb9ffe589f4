using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;
using OnnxVideo.Onnx.Safetensors;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Models.Zoo;

/// <summary>
/// Takes every parameter from a safetensors file by name. Problems are collected rather than thrown one at a time;
/// <see cref="ThrowIfMismatched"/> reports them all. F32 tensors go straight from the file mapping into the model.
/// </summary>
internal sealed class SafetensorsParameterSource : IZooParameterSource, IDisposable
{
    private readonly SafetensorsFile _file;
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);
    private readonly List<string> _missing = [];
    private readonly List<ZooShapeMismatch> _mismatches = [];

    private readonly IReadOnlySet<string> _replaced;
    private readonly IZooParameterSource? _replacement;

    /// <summary>
    /// Opens <paramref name="path"/>. Parameters named in <paramref name="replaced"/> come from
    /// <paramref name="replacement"/> instead (e.g. a new classification head), and the file's tensors of those
    /// names are ignored.
    /// </summary>
    public SafetensorsParameterSource(string path, IReadOnlySet<string>? replaced = null, IZooParameterSource? replacement = null)
    {
        if (replaced is { Count: > 0 } && replacement is null)
        {
            throw new ArgumentException("replaced parameters need a replacement source", nameof(replacement));
        }
        _replaced = replaced ?? new HashSet<string>();
        _replacement = replacement;
        _file = SafetensorsFile.Open(path);
    }

    public string Path => _file.Path;

    /// <summary>File tensors that are fine to leave unused (e.g. BatchNorm's <c>num_batches_tracked</c> counters).</summary>
    public Func<string, bool> IgnorableUnused { get; init; } = name => name.EndsWith(".num_batches_tracked", StringComparison.Ordinal);

    public TensorProto Create(string name, long[] shape, ParameterInit init)
    {
        _used.Add(name);
        if (_replaced.Contains(name))
        {
            return _replacement!.Create(name, shape, init);
        }
        if (!_file.TryGetInfo(name, out var info))
        {
            _missing.Add(name);
            return Placeholder(name, shape);
        }
        if (!info.Shape.SequenceEqual(shape))
        {
            _mismatches.Add(new ZooShapeMismatch(name, shape, info.Shape));
            return Placeholder(name, shape);
        }
        return info.DType switch
        {
            SafetensorsDType.F32 => TensorProtos.FromRaw(name, DataType.Float, _file.GetBytes(info), shape, info.ElementCount),
            SafetensorsDType.F16 or SafetensorsDType.BF16 or SafetensorsDType.F64 => TensorProtos.FromFloats(name, _file.ReadFloats(name), shape),
            _ => throw new SafetensorsFormatException(_file.Path, $"tensor '{name}' is {info.DType}; a floating-point parameter was expected"),
        };
    }

    /// <summary>Throws <see cref="ZooWeightsMismatchException"/> listing missing, unexpected and misshapen tensors.</summary>
    public void ThrowIfMismatched(string architecture, Func<IReadOnlyList<ZooShapeMismatch>, string?>? hint = null)
    {
        var unexpected = _file.Tensors.Select(t => t.Name).Where(n => !_used.Contains(n) && !IgnorableUnused(n)).Order(StringComparer.Ordinal).ToList();
        if (_missing.Count > 0 || unexpected.Count > 0 || _mismatches.Count > 0)
        {
            throw new ZooWeightsMismatchException(_file.Path, architecture, _missing, unexpected, _mismatches, hint?.Invoke(_mismatches));
        }
    }

    private static TensorProto Placeholder(string name, long[] shape) =>
        TensorProtos.FromFloats(name, new float[shape.Aggregate(1L, (a, d) => a * d)], shape);

    public void Dispose() => _file.Dispose();
}
