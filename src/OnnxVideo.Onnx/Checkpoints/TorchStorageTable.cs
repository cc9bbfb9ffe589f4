namespace OnnxVideo.Onnx.Checkpoints;

/// <summary>
/// The persistent-load function of a checkpoint's pickle: turns each <c>('storage', torch.XStorage, key, location,
/// numel)</c> id (legacy files add a sixth item, a view, which must be None) into a <see cref="TorchStorageRef"/>,
/// one per key.
/// </summary>
internal sealed class TorchStorageTable(string source, bool legacy)
{
    private const int MaxKeyLength = 128;
    private readonly Dictionary<string, TorchStorageRef> _byKey = new(StringComparer.Ordinal);

    public IReadOnlyCollection<TorchStorageRef> Storages => _byKey.Values;

    public bool TryGet(string key, out TorchStorageRef storage) => _byKey.TryGetValue(key, out storage!);

    public object Load(object? id)
    {
        var expected = legacy ? 6 : 5;
        if (id is not object?[] tuple || tuple.Length != expected || tuple[0] is not "storage")
        {
            throw new TorchCheckpointException(source, $"a persistent id is a {PickleValues.Describe(id)}, not ('storage', type, key, location, size{(legacy ? ", view" : "")})");
        }
        if (tuple[1] is not PickleGlobal type || !TorchPickleGlobals.IsStorageClass(type) || !TorchDTypes.TryFromStorageClass(type.Name, out var dtype))
        {
            throw new TorchCheckpointException(source, $"a persistent id names storage type {PickleValues.Describe(tuple[1])}");
        }
        if (tuple[2] is not string key || !IsSafeKey(key))
        {
            throw new TorchCheckpointException(source, $"a storage key is not a short name of letters, digits, '_' or '-' ({PickleValues.Describe(tuple[2])})");
        }
        if (tuple[3] is not string || tuple[4] is not long count || count < 0)
        {
            throw new TorchCheckpointException(source, $"storage '{key}' has no location string or no element count >= 0");
        }
        if (legacy && tuple[5] is not null)
        {
            throw new TorchCheckpointException(source, $"storage '{key}' is a view of another storage (PyTorch < 0.4); re-save it with a current PyTorch");
        }
        if (count > long.MaxValue / TorchDTypes.ElementSize(dtype))
        {
            throw new TorchCheckpointException(source, $"storage '{key}' declares {count} elements, more bytes than any file holds");
        }
        var storage = new TorchStorageRef(key, dtype, count);
        if (_byKey.TryGetValue(key, out var known))
        {
            return known == storage
                ? known
                : throw new TorchCheckpointException(source, $"storage '{key}' is declared as {known.DType} × {known.ElementCount} and as {dtype} × {count}");
        }
        _byKey[key] = storage;
        return storage;
    }

    private static bool IsSafeKey(string key) =>
        key.Length is > 0 and <= MaxKeyLength && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');
}
