using System.Text.Json;

namespace OnnxVideo.Onnx.Safetensors;

/// <summary>
/// A parsed and validated safetensors header: tensor entries in data order and the optional
/// <c>__metadata__</c> string map.
/// </summary>
internal sealed class SafetensorsHeader
{
    public const string MetadataEntry = "__metadata__";

    /// <summary>Largest header accepted (the reference implementation's bound).</summary>
    public const long MaxHeaderBytes = 100L * 1024 * 1024;

    public IReadOnlyList<SafetensorsTensorInfo> Tensors { get; }
    public IReadOnlyDictionary<string, string> Metadata { get; }

    private SafetensorsHeader(IReadOnlyList<SafetensorsTensorInfo> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        Tensors = tensors;
        Metadata = metadata;
    }

    /// <summary>
    /// Parses the JSON header and checks every entry against a data section of <paramref name="dataLength"/> bytes:
    /// offsets contiguous from 0 to the end, non-overlapping, dtype × shape = byte count, unique names.
    /// </summary>
    public static SafetensorsHeader Parse(ReadOnlyMemory<byte> json, long dataLength, string source)
    {
        if (!System.Text.Unicode.Utf8.IsValid(json.Span))
        {
            throw new SafetensorsFormatException(source, "header is not valid UTF-8 JSON");
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            throw new SafetensorsFormatException(source, $"header is not well-formed JSON ({e.Message})");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new SafetensorsFormatException(source, $"header must be a JSON object, found {document.RootElement.ValueKind}");
            }
            var names = new HashSet<string>(StringComparer.Ordinal);
            var tensors = new List<SafetensorsTensorInfo>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!names.Add(property.Name))
                {
                    throw new SafetensorsFormatException(source, $"duplicate entry '{property.Name}' in header");
                }
                if (property.Name == MetadataEntry)
                {
                    ReadMetadata(property.Value, metadata, source);
                }
                else
                {
                    tensors.Add(ReadTensor(property.Name, property.Value, source));
                }
            }
            CheckLayout(tensors, dataLength, source);
            return new SafetensorsHeader(tensors, metadata);
        }
    }

    private static void ReadMetadata(JsonElement value, Dictionary<string, string> metadata, string source)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new SafetensorsFormatException(source, $"'{MetadataEntry}' must be an object of strings, found {value.ValueKind}");
        }
        foreach (var entry in value.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
            {
                throw new SafetensorsFormatException(source, $"'{MetadataEntry}' value '{entry.Name}' must be a string, found {entry.Value.ValueKind}");
            }
            if (!metadata.TryAdd(entry.Name, entry.Value.GetString()!))
            {
                throw new SafetensorsFormatException(source, $"duplicate key '{entry.Name}' in '{MetadataEntry}'");
            }
        }
    }

    private static SafetensorsTensorInfo ReadTensor(string name, JsonElement value, string source)
    {
        if (name.Length == 0)
        {
            throw new SafetensorsFormatException(source, "tensor with an empty name");
        }
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new SafetensorsFormatException(source, $"tensor '{name}' must be an object, found {value.ValueKind}");
        }
        if (!value.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
        {
            throw new SafetensorsFormatException(source, $"tensor '{name}' has no string 'dtype'");
        }
        var dtypeName = dtypeElement.GetString()!;
        if (!SafetensorsDTypes.TryParse(dtypeName, out var dtype))
        {
            throw new SafetensorsFormatException(source, $"tensor '{name}' has unknown dtype '{dtypeName}' (known: {string.Join(", ", Enum.GetNames<SafetensorsDType>())})");
        }
        var shape = ReadIntegers(name, value, "shape", expectedCount: null, source);
        foreach (var dim in shape)
        {
            if (dim < 0)
            {
                throw new SafetensorsFormatException(source, $"tensor '{name}' has a negative dimension in shape [{string.Join(", ", shape)}]");
            }
        }
        var offsets = ReadIntegers(name, value, "data_offsets", expectedCount: 2, source);
        var (begin, end) = (offsets[0], offsets[1]);
        if (begin < 0 || end < begin)
        {
            throw new SafetensorsFormatException(source, $"tensor '{name}' has invalid data_offsets [{begin}, {end}]");
        }
        var info = new SafetensorsTensorInfo(name, dtype, shape, begin, end);
        long expectedBytes;
        try
        {
            expectedBytes = checked(ElementCountChecked(shape) * SafetensorsDTypes.ElementSize(dtype));
        }
        catch (OverflowException)
        {
            throw new SafetensorsFormatException(source, $"tensor '{name}' shape {info.ShapeText} is too large");
        }
        if (expectedBytes != info.ByteLength)
        {
            throw new SafetensorsFormatException(source,
                $"tensor '{name}': dtype {dtype} × shape {info.ShapeText} needs {expectedBytes} bytes but data_offsets [{begin}, {end}] span {info.ByteLength}");
        }
        return info;
    }

    private static long ElementCountChecked(long[] shape)
    {
        long count = 1;
        foreach (var dim in shape)
        {
            count = checked(count * dim);
        }
        return count;
    }

    private static long[] ReadIntegers(string name, JsonElement tensor, string field, int? expectedCount, string source)
    {
        if (!tensor.TryGetProperty(field, out var array) || array.ValueKind != JsonValueKind.Array)
        {
            throw new SafetensorsFormatException(source, $"tensor '{name}' has no '{field}' array");
        }
        var values = new long[array.GetArrayLength()];
        if (expectedCount is { } count && values.Length != count)
        {
            throw new SafetensorsFormatException(source, $"tensor '{name}': '{field}' must have {count} entries, found {values.Length}");
        }
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out var v))
            {
                throw new SafetensorsFormatException(source, $"tensor '{name}': '{field}' entry {i} is not an integer ({item.GetRawText()})");
            }
            values[i++] = v;
        }
        return values;
    }

    private static void CheckLayout(List<SafetensorsTensorInfo> tensors, long dataLength, string source)
    {
        tensors.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long position = 0;
        foreach (var t in tensors)
        {
            if (t.Begin < position)
            {
                throw new SafetensorsFormatException(source, $"tensor '{t.Name}' data [{t.Begin}, {t.End}] overlaps the previous tensor (which ends at {position})");
            }
            if (t.Begin > position)
            {
                throw new SafetensorsFormatException(source, $"gap in the data section: bytes [{position}, {t.Begin}) before tensor '{t.Name}' belong to no tensor");
            }
            if (t.End > dataLength)
            {
                throw new SafetensorsFormatException(source, $"tensor '{t.Name}' data [{t.Begin}, {t.End}] runs past the end of the data section ({dataLength} bytes)");
            }
            position = t.End;
        }
        if (position != dataLength)
        {
            throw new SafetensorsFormatException(source, $"data section has {dataLength} bytes but the tensors cover only {position}");
        }
    }
}
