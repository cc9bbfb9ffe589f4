using System.Buffers.Binary;
using System.Numerics;

namespace OnnxVideo.Onnx.Checkpoints;

/// <summary>
/// The format of <c>torch.save(..., _use_new_zipfile_serialization=False)</c> and of PyTorch before 1.6: pickles of
/// the magic number, the protocol version (1001) and system info, then the state dict (storages as persistent ids),
/// then the list of storage keys, then each storage as its element count (int64) and raw little-endian bytes.
/// </summary>
internal sealed class TorchLegacyCheckpoint : ITorchStorageReader
{
    private static readonly BigInteger MagicNumber = BigInteger.Parse("119547037146038801333356");
    private const long ProtocolVersion = 1001;

    private readonly FileStream _stream;
    private readonly string _source;
    private readonly Dictionary<string, long> _dataOffsets;

    private TorchLegacyCheckpoint(FileStream stream, string source, Dictionary<string, long> dataOffsets)
    {
        _stream = stream;
        _source = source;
        _dataOffsets = dataOffsets;
    }

    public static (TorchLegacyCheckpoint Reader, object? Root) Open(FileStream stream, string source, TorchCheckpointLimits limits)
    {
        try
        {
            var buffer = new byte[(int)Math.Min(stream.Length, limits.MaxPickleBytes)];
            stream.ReadExactly(buffer);
            var unpickler = new RestrictedUnpickler(buffer, 0, buffer.Length, source, limits);
            CheckHeader(unpickler, source);
            var storages = new TorchStorageTable(source, legacy: true);
            var root = unpickler.Load(storages.Load);
            var keys = unpickler.Load() as List<object?>
                ?? throw new TorchCheckpointException(source, "the list of storage keys after the state dict is missing");
            var offsets = LocateStorages(stream, unpickler.Position, keys, storages, source);
            return (new TorchLegacyCheckpoint(stream, source, offsets), root);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    private static void CheckHeader(RestrictedUnpickler unpickler, string source)
    {
        var magic = unpickler.Load();
        if (magic is not BigInteger number || number != MagicNumber)
        {
            throw new TorchCheckpointException(source, "not a PyTorch checkpoint (a pickle without torch.save's magic number)");
        }
        if (unpickler.Load() is not ProtocolVersion)
        {
            throw new TorchCheckpointException(source, $"legacy serialization protocol is not {ProtocolVersion}");
        }
        if (unpickler.Load() is not PickleDict info || !info.TryGet("little_endian", out var little) || little is not true)
        {
            throw new TorchCheckpointException(source, "the checkpoint was written on a big-endian machine or lacks its system info; only little-endian checkpoints are supported");
        }
    }

    /// <summary>Walks the storages after the pickles: each element count must match its persistent id and fit the file.</summary>
    private static Dictionary<string, long> LocateStorages(FileStream stream, long position, List<object?> keys, TorchStorageTable storages, string source)
    {
        var offsets = new Dictionary<string, long>(StringComparer.Ordinal);
        Span<byte> countBytes = stackalloc byte[8];
        foreach (var item in keys)
        {
            if (item is not string key || !storages.TryGet(key, out var storage) || offsets.ContainsKey(key))
            {
                throw new TorchCheckpointException(source, $"storage key {PickleValues.Describe(item)} '{item}' is not a storage of the state dict, or repeats");
            }
            if (position + 8 > stream.Length)
            {
                throw new TorchCheckpointException(source, $"truncated: storage '{key}' starts past the end of the file");
            }
            stream.Position = position;
            stream.ReadExactly(countBytes);
            var count = BinaryPrimitives.ReadInt64LittleEndian(countBytes);
            if (count != storage.ElementCount)
            {
                throw new TorchCheckpointException(source, $"storage '{key}' declares {storage.ElementCount} elements in the pickle and {count} in the file");
            }
            if (storage.ByteLength > stream.Length - position - 8)
            {
                throw new TorchCheckpointException(source, $"truncated: storage '{key}' needs {storage.ByteLength} bytes, the file ends {stream.Length - position - 8} bytes after its start");
            }
            offsets[key] = position + 8;
            position += 8 + storage.ByteLength;
        }
        if (storages.Storages.FirstOrDefault(s => !offsets.ContainsKey(s.Key)) is { } missing)
        {
            throw new TorchCheckpointException(source, $"storage '{missing.Key}' is used by the state dict but not stored in the file");
        }
        return offsets;
    }

    public byte[] Read(TorchStorageRef storage)
    {
        if (storage.ByteLength > Array.MaxLength)
        {
            throw new TorchCheckpointException(_source, $"storage '{storage.Key}' has {storage.ByteLength} bytes, more than one array can hold");
        }
        var bytes = new byte[storage.ByteLength];
        _stream.Position = _dataOffsets[storage.Key];
        _stream.ReadExactly(bytes);
        return bytes;
    }

    public void Dispose() => _stream.Dispose();
}
