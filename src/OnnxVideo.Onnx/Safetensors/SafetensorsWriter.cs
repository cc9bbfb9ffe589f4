using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace OnnxVideo.Onnx.Safetensors;

/// <summary>
/// Streams a safetensors file: the header is written from the declared tensors, then each tensor's bytes in declared
/// order (straight from any span, e.g. another file's mapping). The file is written beside its destination under a
/// temporary name, fsynced on <see cref="Commit"/> and renamed into place, so a reader never sees a partial file.
/// </summary>
internal sealed partial class SafetensorsWriter : IDisposable
{
    private readonly string _path;
    private readonly string _tempPath;
    private readonly FileStream _stream;
    private readonly Stream _output;
    private readonly IReadOnlyList<SafetensorsTensorSpec> _tensors;
    private int _next;
    private bool _committed;

    public SafetensorsWriter(string path, IReadOnlyList<SafetensorsTensorSpec> tensors, IReadOnlyDictionary<string, string>? metadata = null)
        : this(path, tensors, metadata, null)
    {
    }

    /// <param name="wrapOutput">test seam: wraps the temporary file's stream (e.g. to fail like a full disk)</param>
    internal SafetensorsWriter(string path, IReadOnlyList<SafetensorsTensorSpec> tensors, IReadOnlyDictionary<string, string>? metadata,
        Func<Stream, Stream>? wrapOutput)
    {
        _path = System.IO.Path.GetFullPath(path);
        _tensors = tensors;
        var header = BuildHeader(path, tensors, metadata);
        var directory = System.IO.Path.GetDirectoryName(_path)!;
        Directory.CreateDirectory(directory);
        _tempPath = System.IO.Path.Combine(directory, $".{System.IO.Path.GetFileName(_path)}.{Guid.NewGuid():N}.tmp");
        // Unbuffered: every write reaches the file at once, so disposing after a failed write (a full disk) has nothing
        // left to flush that could throw before the temporary file is deleted.
        _stream = new FileStream(_tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
        _output = wrapOutput?.Invoke(_stream) ?? _stream;
        try
        {
            var start = new byte[8 + header.Length];
            BinaryPrimitives.WriteUInt64LittleEndian(start, (ulong)header.Length);
            header.CopyTo(start, 8);
            _output.Write(start);
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
        _output.Write(data);
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
        _output.Flush();
        _stream.Flush(flushToDisk: true);
        _output.Dispose();
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
        try
        {
            _output.Dispose();
            _stream.Dispose();
        }
        catch (IOException)
        {
            // The write that failed already said why; the temporary file goes regardless.
        }
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
    public static void WriteFile(string path, IReadOnlyList<SafetensorsTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null) =>
        WriteFile(path, tensors, metadata, null);

    internal static void WriteFile(string path, IReadOnlyList<SafetensorsTensor> tensors, IReadOnlyDictionary<string, string>? metadata,
        Func<Stream, Stream>? wrapOutput)
    {
        using var writer = new SafetensorsWriter(path, tensors.Select(t => t.Spec).ToList(), metadata, wrapOutput);
        foreach (var tensor in tensors)
        {
            writer.WriteTensor(tensor.Name, tensor.Data.Span);
        }
        writer.Commit();
    }

    /// <summary>Whether <paramref name="fileName"/> is a temporary file of this writer (left behind only by a killed process).</summary>
    internal static bool IsTemporaryName(string fileName) => TemporaryName().IsMatch(fileName);

    [GeneratedRegex("^\\..+\\.[0-9a-f]{32}\\.tmp$")]
    private static partial Regex TemporaryName();

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
