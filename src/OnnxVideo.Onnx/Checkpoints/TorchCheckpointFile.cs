namespace OnnxVideo.Onnx.Checkpoints;

/// <summary>
/// A PyTorch checkpoint (<c>.pth</c>, <c>.pt</c>, <c>.bin</c>) written by <c>torch.save</c> of a state dict, in the
/// zip format or the legacy one, read without Python and without executing anything: the pickle goes through a
/// <see cref="RestrictedUnpickler"/> that knows only dicts, tensors and storages and refuses every other global or
/// opcode with an <see cref="UnsafePickleException"/>. Tensor views are checked against their storages when the
/// file is opened; values are read (and converted to float32) per tensor.
/// </summary>
public sealed class TorchCheckpointFile : IDisposable
{
    private readonly ITorchStorageReader _storages;
    private readonly Dictionary<string, TorchTensorInfo> _byName;
    private (TorchStorageRef Storage, byte[] Bytes)? _lastStorage;

    private TorchCheckpointFile(string path, bool legacy, ITorchStorageReader storages, List<TorchTensorInfo> tensors)
    {
        Path = path;
        IsLegacyFormat = legacy;
        _storages = storages;
        Tensors = tensors;
        _byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    public string Path { get; }
    /// <summary>True for the pre-1.6 (non-zip) format.</summary>
    public bool IsLegacyFormat { get; }
    /// <summary>The state dict's tensors in file order.</summary>
    public IReadOnlyList<TorchTensorInfo> Tensors { get; }

    /// <summary>
    /// True when <paramref name="path"/> starts like a checkpoint torch.save writes: a zip archive, or a pickle
    /// (PROTO 2 to 5) that is not a safetensors header (whose first byte, the low byte of its length, may be 0x80 too).
    /// </summary>
    internal static bool LooksLikeCheckpoint(string path)
    {
        Span<byte> head = stackalloc byte[9];
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        return LooksLikeCheckpoint(head[..read]);
    }

    internal static bool LooksLikeCheckpoint(ReadOnlySpan<byte> head) =>
        IsZip(head) || (head is [(byte)PickleOpcode.Proto, >= 2 and <= 5, ..] && !(head.Length >= 9 && head[8] == (byte)'{'));

    /// <summary>Opens and checks <paramref name="path"/>; any problem is a <see cref="TorchCheckpointException"/> or <see cref="UnsafePickleException"/>.</summary>
    public static TorchCheckpointFile Open(string path, TorchCheckpointLimits? limits = null)
    {
        limits ??= TorchCheckpointLimits.Default;
        var fullPath = System.IO.Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            throw new FileNotFoundException($"{path}: checkpoint not found", path);
        }
        if (Files.SafeFiles.RegularFileProblem(fullPath) is { } problem)
        {
            throw new TorchCheckpointException(path, problem);
        }
        var stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read);
        Span<byte> head = stackalloc byte[4];
        var read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        stream.Position = 0;
        var legacy = !IsZip(head[..read]);
        if (legacy && (read < 2 || head[0] != (byte)PickleOpcode.Proto))
        {
            stream.Dispose();
            throw new TorchCheckpointException(path, "neither a zip archive nor a pickle: not a file written by torch.save");
        }
        var (reader, root) = legacy
            ? ((ITorchStorageReader, object?))TorchLegacyCheckpoint.Open(stream, path, limits)
            : TorchZipCheckpoint.Open(stream, path, limits);
        try
        {
            return new TorchCheckpointFile(path, legacy, reader, TorchStateDict.Tensors(root, path));
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    private static bool IsZip(ReadOnlySpan<byte> head) => head is [(byte)'P', (byte)'K', 3, 4, ..];

    public bool TryGetInfo(string name, out TorchTensorInfo info) => _byName.TryGetValue(name, out info!);

    /// <summary>The tensor's elements in row-major order, converted to float32 from any storage dtype.</summary>
    public float[] ReadFloats(string name)
    {
        var tensor = _byName.TryGetValue(name, out var info)
            ? info.Tensor
            : throw new KeyNotFoundException($"{Path}: no tensor named '{name}'");
        if (_lastStorage is not { } last || last.Storage != tensor.Storage)
        {
            // Views of one storage (e.g. slices of a fused weight) usually follow each other; keep the last one read.
            last = (tensor.Storage, _storages.Read(tensor.Storage));
            _lastStorage = last;
        }
        return TorchTensorValues.ToFloats(last.Bytes, tensor);
    }

    public void Dispose() => _storages.Dispose();
}
