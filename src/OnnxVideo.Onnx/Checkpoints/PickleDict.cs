namespace OnnxVideo.Onnx.Checkpoints;

/// <summary>A dict or OrderedDict from a pickle, in insertion order (a later SETITEM of a key replaces its value in place).</summary>
internal sealed class PickleDict
{
    private readonly List<object> _keys = [];
    private readonly Dictionary<object, object?> _values = [];

    public int Count => _keys.Count;

    public IEnumerable<KeyValuePair<object, object?>> Entries => _keys.Select(k => new KeyValuePair<object, object?>(k, _values[k]));

    public void Set(object key, object? value)
    {
        if (!_values.ContainsKey(key))
        {
            _keys.Add(key);
        }
        _values[key] = value;
    }

    public bool TryGet(object key, out object? value) => _values.TryGetValue(key, out value);
}
