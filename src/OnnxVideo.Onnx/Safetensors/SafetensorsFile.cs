using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace OnnxVideo.Onnx.Safetensors;

/// <summary>
/// A safetensors file opened read-only by memory-mapping. Each read copies one tensor out of the mapping into a
/// managed array (through the view accessor: no pointers outside OnnxVideo.Ort), so nothing returned depends on the
/// file staying open.
/// </summary>
internal sealed class SafetensorsFile : IDisposable
{
    private readonly MemoryMappedFile? _mapping;
    private readonly MemoryMappedViewAccessor? _view;
    private readonly Dictionary<string, SafetensorsTensorInfo> _byName;
    private bool _disposed;

    public string Path { get; }
    public SafetensorsHeader Header { get; }
    /// <summary>Tensors in data order.</summary>
    public IReadOnlyList<SafetensorsTensorInfo> Tensors => Header.Tensors;
    public IReadOnlyDictionary<string, string> Metadata => Header.Metadata;
    /// <summary>Offset of the data section from the start of the file.</summary>
    public long DataStart { get; }

    private SafetensorsFile(string path, SafetensorsHeader header, long dataStart,
        MemoryMappedFile? mapping, MemoryMappedViewAccessor? view)
    {
        Path = path;
        Header = header;
        DataStart = dataStart;
        _mapping = mapping;
        _view = view;
        _byName = header.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    /// <summary>Opens and validates <paramref name="path"/>; any format problem is a <see cref="SafetensorsFormatException"/>.</summary>
    public static SafetensorsFile Open(string path)
    {
        var fullPath = System.IO.Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            throw new FileNotFoundException($"{path}: safetensors file not found", path);
        }
        RequireRegularFile(fullPath, path);
        var stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read);
        var fileLength = stream.Length;
        SafetensorsHeader header;
        long dataStart;
        MemoryMappedFile mapping;
        try
        {
            (header, dataStart) = ReadHeader(stream, fileLength, path);
            if (fileLength == dataStart)
            {
                stream.Dispose();
                return new SafetensorsFile(path, header, dataStart, null, null);
            }
            mapping = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
        try
        {
            return new SafetensorsFile(path, header, dataStart, mapping, mapping.CreateViewAccessor(0, fileLength, MemoryMappedFileAccess.Read));
        }
        catch
        {
            mapping.Dispose();
            throw;
        }
    }

    /// <summary>Reads and validates only the header of <paramref name="path"/> (names, dtypes, shapes, metadata).</summary>
    public static SafetensorsHeader ReadHeader(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: safetensors file not found", path);
        }
        RequireRegularFile(path, path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        return ReadHeader(stream, stream.Length, path).Header;
    }

    private static void RequireRegularFile(string path, string source)
    {
        if (Files.SafeFiles.RegularFileProblem(path) is { } problem)
        {
            throw new SafetensorsFormatException(source, problem);
        }
    }

    private static (SafetensorsHeader Header, long DataStart) ReadHeader(FileStream stream, long fileLength, string source)
    {
        if (fileLength < 8)
        {
            throw new SafetensorsFormatException(source, $"truncated: {fileLength} bytes, shorter than the 8-byte header length");
        }
        Span<byte> lengthBytes = stackalloc byte[8];
        stream.ReadExactly(lengthBytes);
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > (ulong)SafetensorsHeader.MaxHeaderBytes)
        {
            throw new SafetensorsFormatException(source, $"header length {headerLength} exceeds the {SafetensorsHeader.MaxHeaderBytes}-byte limit");
        }
        if (headerLength < 2)
        {
            throw new SafetensorsFormatException(source, $"header length {headerLength} is too short for a JSON object");
        }
        if (8 + (long)headerLength > fileLength)
        {
            throw new SafetensorsFormatException(source, $"header of {headerLength} bytes runs past the end of the file ({fileLength} bytes)");
        }
        var json = new byte[headerLength];
        stream.ReadExactly(json);
        var dataStart = 8 + (long)headerLength;
        return (SafetensorsHeader.Parse(json, fileLength - dataStart, source), dataStart);
    }

    public bool Contains(string name) => _byName.ContainsKey(name);

    public bool TryGetInfo(string name, out SafetensorsTensorInfo info) => _byName.TryGetValue(name, out info!);

    public SafetensorsTensorInfo GetInfo(string name) =>
        _byName.TryGetValue(name, out var info)
            ? info
            : throw new KeyNotFoundException($"{Path}: no tensor named '{name}'");

    /// <summary>The raw little-endian bytes of a tensor.</summary>
    public ReadOnlySpan<byte> GetBytes(string name) => GetBytes(GetInfo(name));

    public ReadOnlySpan<byte> GetBytes(SafetensorsTensorInfo info) => Read<byte>(info);

    /// <summary>
    /// The tensor's elements as <typeparamref name="T"/>; <typeparamref name="T"/> must have the dtype's element size
    /// (e.g. float for F32, Half for F16, long for I64).
    /// </summary>
    public T[] ReadArray<T>(string name) where T : unmanaged
    {
        var info = GetInfo(name);
        if (Unsafe.SizeOf<T>() != SafetensorsDTypes.ElementSize(info.DType))
        {
            throw new InvalidOperationException($"{Path}: tensor '{name}' is {info.DType}; {typeof(T).Name} has a different element size");
        }
        return Read<T>(info);
    }

    public ReadOnlySpan<T> GetSpan<T>(string name) where T : unmanaged => ReadArray<T>(name);

    /// <summary>
    /// Copies a float32 tensor straight from the mapped file into <paramref name="destination"/> (exactly its length),
    /// without the managed array <see cref="ReadArray{T}"/> makes: loading hundreds of MB of weights that way leaves no
    /// garbage behind.
    /// </summary>
    public void ReadInto(string name, Span<float> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var info = GetInfo(name);
        if (info.DType != SafetensorsDType.F32 || info.ByteLength != (long)destination.Length * sizeof(float))
        {
            throw new InvalidOperationException($"{Path}: tensor '{name}' is {info.DType} {info.ShapeText}, not {destination.Length} float32 values");
        }
        if (destination.Length > 0)
        {
            _view!.SafeMemoryMappedViewHandle.ReadSpan((ulong)(_view.PointerOffset + DataStart + info.Begin), destination);
        }
    }

    private T[] Read<T>(SafetensorsTensorInfo info) where T : unmanaged
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (info.ByteLength == 0)
        {
            return [];
        }
        if (info.ByteLength > int.MaxValue)
        {
            throw new SafetensorsFormatException(Path, $"tensor '{info.Name}' has {info.ByteLength} bytes, more than one array can hold");
        }
        var values = new T[info.ByteLength / Unsafe.SizeOf<T>()];
        _view!.ReadArray(DataStart + info.Begin, values, 0, values.Length);
        return values;
    }

    /// <summary>A tensor converted to float32 (from F32, F16, BF16 or F64).</summary>
    public float[] ReadFloats(string name)
    {
        var info = GetInfo(name);
        var bytes = GetBytes(info);
        return info.DType switch
        {
            SafetensorsDType.F32 => MemoryMarshal.Cast<byte, float>(bytes).ToArray(),
            SafetensorsDType.F16 => ConvertAll(MemoryMarshal.Cast<byte, Half>(bytes), h => (float)h),
            SafetensorsDType.BF16 => ConvertAll(MemoryMarshal.Cast<byte, ushort>(bytes), b => BitConverter.Int32BitsToSingle(b << 16)),
            SafetensorsDType.F64 => ConvertAll(MemoryMarshal.Cast<byte, double>(bytes), d => (float)d),
            _ => throw new InvalidOperationException($"{Path}: tensor '{name}' is {info.DType}, not a floating-point tensor"),
        };
    }

    /// <summary>A tensor converted to int64 (from I64, I32, I16, I8, U8, U16, U32 or BOOL).</summary>
    public long[] ReadInt64s(string name)
    {
        var info = GetInfo(name);
        var bytes = GetBytes(info);
        return info.DType switch
        {
            SafetensorsDType.I64 => MemoryMarshal.Cast<byte, long>(bytes).ToArray(),
            SafetensorsDType.I32 => ConvertAll(MemoryMarshal.Cast<byte, int>(bytes), v => (long)v),
            SafetensorsDType.I16 => ConvertAll(MemoryMarshal.Cast<byte, short>(bytes), v => (long)v),
            SafetensorsDType.U16 => ConvertAll(MemoryMarshal.Cast<byte, ushort>(bytes), v => (long)v),
            SafetensorsDType.U32 => ConvertAll(MemoryMarshal.Cast<byte, uint>(bytes), v => (long)v),
            SafetensorsDType.I8 => ConvertAll(MemoryMarshal.Cast<byte, sbyte>(bytes), v => (long)v),
            SafetensorsDType.U8 or SafetensorsDType.BOOL => ConvertAll(bytes, v => (long)v),
            _ => throw new InvalidOperationException($"{Path}: tensor '{name}' is {info.DType}, not an integer tensor"),
        };
    }

    private static TOut[] ConvertAll<TIn, TOut>(ReadOnlySpan<TIn> source, Func<TIn, TOut> convert)
    {
        var result = new TOut[source.Length];
        for (var i = 0; i < source.Length; i++)
        {
            result[i] = convert(source[i]);
        }
        return result;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        _view?.Dispose();
        _mapping?.Dispose();
    }
}
