using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace OnnxVideo.Onnx.Safetensors;

/// <summary>
/// Streams a safetensors file: the header is written from the declared tensors, then each tensor's bytes in declared
/// order (straight from any span, e.g. another file's mapping). The file is written beside its destination under a
/// temporary name, fsynced on <see cref="Commit"/> and renamed into place, so a reader never sees a partial file.
/// </summary>
public sealed class SafetensorsWriter : IDisposable
{
    private readonly string _path;
    private readonly string _tempPath;
    private readonly FileStream _stream;
    private readonly IReadOnlyList<SafetensorsTensorSpec> _tensors;
    private int _next;
    private bool _committed;

    public SafetensorsWriter(string path, IReadOnlyList<SafetensorsTensorSpec> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        _path = System.IO.Path.GetFullPath(path);
        _tensors = tensors;
        var header = BuildHeader(path, tensors, metadata);
        var directory = System.IO.Path.GetDirectoryName(_path)!;
        Directory.CreateDirectory(directory);
        _tempPath = System.IO.Path.Combine(directory, $".{System.IO.Path.GetFileName(_path)}.{Guid.NewGuid():N}.tmp");
        _stream = new FileStream(_tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        try
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
            _stream.Write(length);
            _stream.Write(header);
        }
        catch
        {
            Abandon();
            throw;
        }
    }

    /// <summary>Writes the next declared tensor; <paramref name="name"/> must be the next name and the bytes complete.</summary>
    public void WriteTensor(string name, ReadOnlySpan<byte> data)
    {
        if (_committed)
        {
            throw new InvalidOperationException($"{_path}: already committed");
        }
        if (_next >= _tensors.Count)
        {
            throw new InvalidOperationException($"{_path}: all {_tensors.Count} declared tensors are already written; '{name}' is extra");
        }
        var spec = _tensors[_next];
        if (spec.Name != name)
        {
            throw new InvalidOperationException($"{_path}: expected tensor '{spec.Name}' next, got '{name}'");
        }
        if (spec.ByteLength != data.Length)
        {
            throw new InvalidOperationException($"{_path}: tensor '{name}' {spec.DType} [{string.Join(", ", spec.Shape)}] needs {spec.ByteLength} bytes, got {data.Length}");
        }
        _stream.Write(data);
        _next++;
    }

    public void WriteTensor<T>(string name, ReadOnlySpan<T> data) where T : unmanaged =>
        WriteTensor(name, MemoryMarshal.AsBytes(data));

    /// <summary>Flushes to disk and renames the file into place (replacing an existing file).</summary>
    public void Commit()
    {
        if (_committed)
        {
            return;
        }
        if (_next != _tensors.Count)
        {
            throw new InvalidOperationException($"{_path}: {_tensors.Count - _next} declared tensors not written (next: '{_tensors[_next].Name}')");
        }
        _stream.Flush(flushToDisk: true);
        _stream.Dispose();
        File.Move(_tempPath, _path, overwrite: true);
        _committed = true;
    }

    /// <summary>Disposing without <see cref="Commit"/> deletes the temporary file and leaves the destination untouched.</summary>
    public void Dispose()
    {
        if (!_committed)
        {
            Abandon();
        }
    }

    private void Abandon()
    {
        _stream.Dispose();
        try
        {
            File.Delete(_tempPath);
        }
        catch (IOException)
        {
            // Leaving a stray temporary file behind is harmless; the destination is untouched either way.
        }
    }

    /// <summary>Writes whole in-memory tensors to <paramref name="path"/> atomically.</summary>
    public static void WriteFile(string path, IReadOnlyList<SafetensorsTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        using var writer = new SafetensorsWriter(path, tensors.Select(t => t.Spec).ToList(), metadata);
        foreach (var tensor in tensors)
        {
            writer.WriteTensor(tensor.Name, tensor.Data.Span);
        }
        writer.Commit();
    }

    private static byte[] BuildHeader(string path, IReadOnlyList<SafetensorsTensorSpec> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(SafetensorsHeader.MetadataEntry);
                foreach (var (key, value) in metadata)
                {
                    json.WriteString(key, value);
                }
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var spec in tensors)
            {
                if (spec.Name.Length == 0 || spec.Name == SafetensorsHeader.MetadataEntry)
                {
                    throw new ArgumentException($"{path}: invalid tensor name '{spec.Name}'", nameof(tensors));
                }
                if (!names.Add(spec.Name))
                {
                    throw new ArgumentException($"{path}: duplicate tensor name '{spec.Name}'", nameof(tensors));
                }
                if (spec.Shape.Any(d => d < 0))
                {
                    throw new ArgumentException($"{path}: tensor '{spec.Name}' has a negative dimension", nameof(tensors));
                }
                json.WriteStartObject(spec.Name);
                json.WriteString("dtype", SafetensorsDTypes.Name(spec.DType));
                json.WriteStartArray("shape");
                foreach (var dim in spec.Shape)
                {
                    json.WriteNumberValue(dim);
                }
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                offset += spec.ByteLength;
                json.WriteNumberValue(offset);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        // Pad with spaces so the data section starts 8-byte aligned (allowed by the format: trailing JSON whitespace).
        while (buffer.Length % 8 != 0)
        {
            buffer.WriteByte((byte)' ');
        }
        return buffer.ToArray();
    }
}
