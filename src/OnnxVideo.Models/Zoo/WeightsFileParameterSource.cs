using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Models.Zoo;

/// <summary>
/// Takes every parameter by name from a weights file: safetensors, or a PyTorch checkpoint (<c>.pth</c>/<c>.pt</c>,
/// see <see cref="ZooWeightsFiles"/>). Zoo parameter names are the reference implementations' state-dict keys
/// (torchvision, Hugging Face VideoMAE), so names map one to one; a <c>module.</c> prefix on every key (a model
/// saved inside DataParallel) is dropped. Problems are collected rather than thrown one at a time;
/// <see cref="ThrowIfMismatched"/> reports them all.
/// </summary>
internal sealed class WeightsFileParameterSource : IZooParameterSource, IDisposable
{
    private const string DataParallelPrefix = "module.";

    private readonly IZooWeightsFile _file;
    private readonly Dictionary<string, string> _fileNames;
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
    public WeightsFileParameterSource(string path, IReadOnlySet<string>? replaced = null, IZooParameterSource? replacement = null)
    {
        if (replaced is { Count: > 0 } && replacement is null)
        {
            throw new ArgumentException("replaced parameters need a replacement source", nameof(replacement));
        }
        _replaced = replaced ?? new HashSet<string>();
        _replacement = replacement;
        _file = ZooWeightsFiles.Open(path);
        var stripPrefix = _file.Names.Count > 0 && _file.Names.All(n => n.StartsWith(DataParallelPrefix, StringComparison.Ordinal));
        _fileNames = _file.Names.ToDictionary(n => stripPrefix ? n[DataParallelPrefix.Length..] : n, n => n, StringComparer.Ordinal);
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
        if (!_fileNames.TryGetValue(name, out var fileName) || !_file.TryGetShape(fileName, out var found))
        {
            _missing.Add(name);
            return Placeholder(name, shape);
        }
        if (!found.SequenceEqual(shape))
        {
            _mismatches.Add(new ZooShapeMismatch(name, shape, found));
            return Placeholder(name, shape);
        }
        return _file.ReadParameter(fileName, name, shape);
    }

    /// <summary>Throws <see cref="ZooWeightsMismatchException"/> listing missing, unexpected and misshapen tensors.</summary>
    public void ThrowIfMismatched(string architecture, Func<IReadOnlyList<ZooShapeMismatch>, string?>? hint = null)
    {
        var unexpected = _fileNames.Keys.Where(n => !_used.Contains(n) && !IgnorableUnused(n)).Order(StringComparer.Ordinal).ToList();
        if (_missing.Count > 0 || unexpected.Count > 0 || _mismatches.Count > 0)
        {
            throw new ZooWeightsMismatchException(_file.Path, architecture, _missing, unexpected, _mismatches,
                hint?.Invoke(_mismatches) ?? NothingMatchedHint(architecture, unexpected.Count));
        }
    }

    /// <summary>When not one key names a parameter, the file is most likely for another model.</summary>
    private string? NothingMatchedHint(string architecture, int unexpected) =>
        unexpected > 0 && unexpected == _fileNames.Count(n => !IgnorableUnused(n.Key)) && _mismatches.Count == 0 && _missing.Count == _used.Count - _replaced.Count
            ? $"not one of its {unexpected} keys is a parameter of {architecture}: is it a checkpoint of another architecture?"
            : null;

    private static TensorProto Placeholder(string name, long[] shape) =>
        TensorProtos.FromFloats(name, new float[shape.Aggregate(1L, (a, d) => a * d)], shape);

    public void Dispose() => _file.Dispose();
}
