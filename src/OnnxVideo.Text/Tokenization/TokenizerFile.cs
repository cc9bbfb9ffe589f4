using System.Text.Json;
using System.Text.Unicode;

namespace OnnxVideo.Text;

/// <summary>
/// tokenizer.json: <c>{"format": "onnxvideo.bpe-tokenizer/1", "vocabularySize": V, "pad": 0, "bos": 1, "eos": 2,
/// "firstByte": 3, "merges": [[left, right], ...]}</c>, merge i making id 259 + i. Reading checks everything before a
/// tokenizer exists: size, JSON, format tag, specials, and that each merge joins two earlier ids.
/// </summary>
internal static class TokenizerFile
{
    public const string Format = "onnxvideo.bpe-tokenizer/1";

    /// <summary>Far above the largest vocabulary's file (about 15 bytes a merge).</summary>
    public const long MaxBytes = 4 << 20;

    public static BpeTokenizer Read(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new UserFileException(path, Directory.Exists(path) ? "is a folder, not a tokenizer.json" : "tokenizer file not found");
        }
        if (info.Length == 0)
        {
            // FIFOs and devices report 0 bytes too; reading one could block forever.
            throw new TokenizerFileException(path, "is empty (0 bytes) or not a regular file; not a tokenizer");
        }
        if (info.Length > MaxBytes)
        {
            throw new TokenizerFileException(path, $"is {info.Length} bytes, above the limit of {MaxBytes} bytes for a tokenizer file");
        }
        var bytes = UserFileException.Guard(path, "cannot read the tokenizer", () => File.ReadAllBytes(path));
        if (bytes.Length > MaxBytes)
        {
            throw new TokenizerFileException(path, $"is over {MaxBytes} bytes, the limit for a tokenizer file");
        }
        if (!Utf8.IsValid(bytes))
        {
            throw new TokenizerFileException(path, "not valid JSON: not UTF-8 text");
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            throw new TokenizerFileException(path, $"not valid JSON (truncated or damaged?): {e.Message}", e);
        }
        using (document)
        {
            return FromJson(path, document.RootElement);
        }
    }

    public static void Write(string path, BpeTokenizer tokenizer)
    {
        var temporary = path + ".tmp";
        UserFileException.Guard(path, "cannot write the tokenizer", () =>
        {
            using (var stream = File.Create(temporary))
            using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false }))
            {
                json.WriteStartObject();
                json.WriteString("format", Format);
                json.WriteNumber("vocabularySize", tokenizer.VocabularySize);
                json.WriteNumber("pad", BpeTokenizer.Pad);
                json.WriteNumber("bos", BpeTokenizer.Bos);
                json.WriteNumber("eos", BpeTokenizer.Eos);
                json.WriteNumber("firstByte", BpeTokenizer.FirstByte);
                json.WriteStartArray("merges");
                foreach (var (left, right) in tokenizer.Merges)
                {
                    json.WriteStartArray();
                    json.WriteNumberValue(left);
                    json.WriteNumberValue(right);
                    json.WriteEndArray();
                }
                json.WriteEndArray();
                json.WriteEndObject();
            }
            File.Move(temporary, path, overwrite: true);
        });
    }

    private static BpeTokenizer FromJson(string path, JsonElement root)
    {
        TokenizerFileException Bad(string problem) => new(path, problem);
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Bad("not a tokenizer: the top level is not a JSON object");
        }
        var format = root.TryGetProperty("format", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
        if (format != Format)
        {
            throw Bad(format is null ? $"no \"format\" field; expected \"{Format}\"" : $"format \"{format}\" is not \"{Format}\"");
        }
        foreach (var (name, expected) in new[] { ("pad", BpeTokenizer.Pad), ("bos", BpeTokenizer.Bos), ("eos", BpeTokenizer.Eos), ("firstByte", BpeTokenizer.FirstByte) })
        {
            if (Integer(root, name) != expected)
            {
                throw Bad($"\"{name}\" must be {expected} (PAD 0, BOS 1, EOS 2, bytes from 3)");
            }
        }
        if (!root.TryGetProperty("merges", out var merges) || merges.ValueKind != JsonValueKind.Array)
        {
            throw Bad("no \"merges\" array");
        }
        var count = merges.GetArrayLength();
        if (BpeTokenizer.FirstMerge + count > BpeTokenizer.MaxVocabularySize)
        {
            throw Bad($"{count} merges make a vocabulary above the limit of {BpeTokenizer.MaxVocabularySize}");
        }
        var size = Integer(root, "vocabularySize");
        if (size != BpeTokenizer.FirstMerge + count)
        {
            throw Bad($"\"vocabularySize\" is {size?.ToString() ?? "missing"} but 259 ids and {count} merges make {BpeTokenizer.FirstMerge + count}");
        }
        var list = new List<(int, int)>(count);
        var seen = new HashSet<(int, int)>();
        foreach (var merge in merges.EnumerateArray())
        {
            var next = BpeTokenizer.FirstMerge + list.Count;
            if (merge.ValueKind != JsonValueKind.Array || merge.GetArrayLength() != 2
                || !IsInteger(merge[0], out var left) || !IsInteger(merge[1], out var right))
            {
                throw Bad($"merge {list.Count} is not a pair of integer ids");
            }
            if (left < BpeTokenizer.FirstByte || right < BpeTokenizer.FirstByte || left >= next || right >= next)
            {
                throw Bad($"merge {list.Count} ({left}, {right}) must join two ids in {BpeTokenizer.FirstByte}..{next - 1} (bytes or earlier merges)");
            }
            if (!seen.Add((left, right)))
            {
                throw Bad($"merge {list.Count} ({left}, {right}) repeats an earlier merge");
            }
            list.Add((left, right));
        }
        return new BpeTokenizer(list);
    }

    private static int? Integer(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && IsInteger(value, out var n) ? n : null;

    private static bool IsInteger(JsonElement value, out int n)
    {
        n = 0;
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out n);
    }
}
