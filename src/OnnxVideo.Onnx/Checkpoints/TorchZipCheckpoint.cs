using System.IO.Compression;

namespace OnnxVideo.Onnx.Checkpoints;

/// <summary>
/// The zip format of <c>torch.save</c> (PyTorch >= 1.6): <c>NAME/data.pkl</c> holds the pickled state dict and
/// <c>NAME/data/KEY</c> each storage's raw little-endian bytes (NAME is often <c>archive</c>). Every entry name is
/// checked (no absolute paths, backslashes or <c>..</c>), entry count and expansion are capped, and each entry is
/// read to exactly its declared size, so a zip bomb is refused before it is inflated and a lying size fails the read.
/// </summary>
internal sealed class TorchZipCheckpoint : ITorchStorageReader
{
    private readonly ZipArchive _zip;
    private readonly string _source;
    private readonly string _prefix;
    private readonly TorchCheckpointLimits _limits;
    private readonly long _fileLength;

    private TorchZipCheckpoint(ZipArchive zip, string source, string prefix, TorchCheckpointLimits limits, long fileLength)
    {
        _zip = zip;
        _source = source;
        _prefix = prefix;
        _limits = limits;
        _fileLength = fileLength;
    }

    /// <summary>Opens the archive and unpickles its state dict; the storages stay in the archive until read.</summary>
    public static (TorchZipCheckpoint Reader, object? Root) Open(FileStream stream, string source, TorchCheckpointLimits limits)
    {
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: false);
        }
        catch (InvalidDataException e)
        {
            stream.Dispose();
            throw new TorchCheckpointException(source, $"not a readable zip archive (truncated or corrupt: {e.Message})");
        }
        try
        {
            var prefix = CheckEntries(zip, source, limits);
            var reader = new TorchZipCheckpoint(zip, source, prefix, limits, stream.Length);
            return (reader, reader.LoadStateDict());
        }
        catch (Exception e) when (IsZipReadError(e))
        {
            zip.Dispose();
            throw new TorchCheckpointException(source, $"not a readable zip archive (corrupt: {e.Message})");
        }
        catch
        {
            zip.Dispose();
            throw;
        }
    }

    /// <summary>Validates every entry name and returns the archive's folder, the one holding <c>data.pkl</c>.</summary>
    private static string CheckEntries(ZipArchive zip, string source, TorchCheckpointLimits limits)
    {
        if (zip.Entries.Count > limits.MaxZipEntries)
        {
            throw new TorchCheckpointException(source, $"the archive has {zip.Entries.Count} entries, more than the {limits.MaxZipEntries} allowed");
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        var prefixes = new List<string>();
        foreach (var entry in zip.Entries)
        {
            if (EntryNameProblem(entry.FullName) is { } problem)
            {
                throw new TorchCheckpointException(source, $"entry name '{entry.FullName}' {problem}");
            }
            if (!names.Add(entry.FullName))
            {
                throw new TorchCheckpointException(source, $"entry '{entry.FullName}' appears twice");
            }
            var parts = entry.FullName.Split('/');
            if (parts is [var folder, "data.pkl"])
            {
                prefixes.Add(folder);
            }
        }
        return prefixes.Count switch
        {
            1 => prefixes[0],
            0 => throw new TorchCheckpointException(source, "the archive has no NAME/data.pkl entry: it is not a torch.save checkpoint"),
            _ => throw new TorchCheckpointException(source, $"the archive has {prefixes.Count} data.pkl entries ({string.Join(", ", prefixes)})"),
        };
    }

    private static string? EntryNameProblem(string name)
    {
        if (name.Length == 0 || name.StartsWith('/'))
        {
            return "is empty or absolute";
        }
        if (name.Contains('\\') || name.Contains(':') || name.Any(char.IsControl))
        {
            return "contains a backslash, colon or control character";
        }
        return name.Split('/').Any(part => part is ".." or ".") ? "escapes its folder ('..' or '.')" : null;
    }

    private object? LoadStateDict()
    {
        if (_zip.GetEntry($"{_prefix}/byteorder") is { } byteOrder)
        {
            var order = System.Text.Encoding.ASCII.GetString(ReadEntry(byteOrder, 16, exact: false)).Trim();
            if (order != "little")
            {
                throw new TorchCheckpointException(_source, $"byte order '{order}' is not supported (only little-endian checkpoints)");
            }
        }
        var pickle = _zip.GetEntry($"{_prefix}/data.pkl")!;
        if (pickle.Length > _limits.MaxPickleBytes)
        {
            throw new TorchCheckpointException(_source, $"data.pkl is {pickle.Length} bytes, more than the {_limits.MaxPickleBytes}-byte limit");
        }
        var bytes = ReadEntry(pickle, pickle.Length, exact: true);
        var storages = new TorchStorageTable(_source, legacy: false);
        var root = new RestrictedUnpickler(bytes, 0, bytes.Length, _source, _limits).Load(storages.Load);
        foreach (var storage in storages.Storages)
        {
            var entry = StorageEntry(storage);
            if (entry.Length != storage.ByteLength)
            {
                throw new TorchCheckpointException(_source,
                    $"storage '{storage.Key}' declares {storage.ElementCount} {storage.DType} elements ({storage.ByteLength} bytes); its entry holds {entry.Length} bytes");
            }
        }
        return root;
    }

    private ZipArchiveEntry StorageEntry(TorchStorageRef storage) =>
        _zip.GetEntry($"{_prefix}/data/{storage.Key}")
        ?? throw new TorchCheckpointException(_source, $"storage '{storage.Key}' has no entry {_prefix}/data/{storage.Key}");

    public byte[] Read(TorchStorageRef storage) => ReadEntry(StorageEntry(storage), storage.ByteLength, exact: true);

    /// <summary>Reads <paramref name="length"/> bytes of an entry (all of it when <paramref name="exact"/>).</summary>
    private byte[] ReadEntry(ZipArchiveEntry entry, long length, bool exact)
    {
        CheckExpansion(entry);
        length = Math.Min(length, entry.Length);
        if (length > Array.MaxLength)
        {
            throw new TorchCheckpointException(_source, $"entry {entry.FullName} has {length} bytes, more than one array can hold");
        }
        try
        {
            using var stream = entry.Open();
            var bytes = new byte[length];
            stream.ReadExactly(bytes);
            if (exact && stream.ReadByte() >= 0)
            {
                throw new TorchCheckpointException(_source, $"entry {entry.FullName} inflates to more than its declared {entry.Length} bytes");
            }
            return bytes;
        }
        catch (Exception e) when (IsZipReadError(e))
        {
            throw new TorchCheckpointException(_source, $"entry {entry.FullName} cannot be read (truncated or corrupt: {e.Message})");
        }
    }

    /// <summary>What ZipArchive throws for a corrupt archive or entry (a bad directory, an unsupported method, short data).</summary>
    private static bool IsZipReadError(Exception e) => e is InvalidDataException or IOException or NotSupportedException;

    /// <summary>torch writes entries stored; a compressed one may expand only so much, and none may claim more than the file.</summary>
    private void CheckExpansion(ZipArchiveEntry entry)
    {
        if (entry.CompressedLength > _fileLength)
        {
            throw new TorchCheckpointException(_source, $"entry {entry.FullName} claims {entry.CompressedLength} bytes, more than the file's {_fileLength}");
        }
        if (entry.Length > _limits.CompressionCheckBytes && entry.Length > (double)entry.CompressedLength * _limits.MaxCompressionRatio)
        {
            throw new TorchCheckpointException(_source,
                $"entry {entry.FullName} would inflate {entry.CompressedLength} bytes to {entry.Length}, more than {_limits.MaxCompressionRatio} times (a zip bomb?)");
        }
    }

    public void Dispose() => _zip.Dispose();
}
