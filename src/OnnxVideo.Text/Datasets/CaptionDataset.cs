using System.Text.Json;
using System.Text.Unicode;

namespace OnnxVideo.Text;

/// <summary>
/// A split of a caption dataset: a folder (train/, val/ or test/) holding <c>captions.jsonl</c>, one clip a line,
/// <c>{"video": "clips/0001.mp4", "captions": ["a red square moves left then a blue circle grows", ...]}</c>. Video
/// paths are relative to the split folder and must stay inside it: no absolute paths, no "..", no symbolic link that
/// leads out. Other fields are ignored. Every problem is a user error naming the file and line.
/// </summary>
public static class CaptionDataset
{
    public const string CaptionsFile = "captions.jsonl";

    /// <summary>The largest captions.jsonl read (far above any caption set; a guard against a wrong file).</summary>
    internal const long MaxFileBytes = 256L << 20;

    /// <summary>The clips of the split in file order, captions normalised (lower case, single spaces).</summary>
    public static IReadOnlyList<CaptionedClip> Load(string splitFolder) => Read(splitFolder, null, 0);

    /// <summary>As <see cref="Load(string)"/>, and a caption of more than <paramref name="maxTokens"/> ids under
    /// <paramref name="tokenizer"/> (BOS and EOS not counted) is an error naming its line.</summary>
    public static IReadOnlyList<CaptionedClip> Load(string splitFolder, BpeTokenizer tokenizer, int maxTokens)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        if (maxTokens < 1)
        {
            throw new InvalidInputException("maximum caption length", $"{maxTokens} tokens; must be at least 1");
        }
        return Read(splitFolder, tokenizer, maxTokens);
    }

    private static List<CaptionedClip> Read(string splitFolder, BpeTokenizer? tokenizer, int maxTokens)
    {
        ArgumentNullException.ThrowIfNull(splitFolder);
        var folder = Path.GetFullPath(splitFolder);
        if (!Directory.Exists(folder))
        {
            throw new UserFileException(splitFolder, File.Exists(folder)
                ? "is a file; a caption split is a folder holding captions.jsonl"
                : "caption split folder not found");
        }
        var root = ContainedPath.RealFolder(folder);
        var file = Path.Join(folder, CaptionsFile);
        var real = ContainedPath.Resolve(root, CaptionsFile, out var problem)
            ?? throw new UserFileException(file, problem);
        if (Directory.Exists(real))
        {
            throw new UserFileException(file, "is a folder, not a captions file");
        }
        var length = UserFileException.Guard(file, "cannot read the captions", () => new FileInfo(real).Length);
        if (length == 0)
        {
            throw new CaptionDataException(file, 1, "empty file (or not a regular file, such as a FIFO): no clips");
        }
        if (length > MaxFileBytes)
        {
            throw new CaptionDataException(file, 1, $"is {length} bytes, above the limit of {MaxFileBytes} bytes for a caption file");
        }

        var bytes = UserFileException.Guard(file, "cannot read the captions", () => File.ReadAllBytes(real));
        var clips = new List<CaptionedClip>();
        var lineNumber = 0;
        foreach (var line in Lines(bytes))
        {
            lineNumber++;
            if (!line.Span.Trim(" \t\r"u8).IsEmpty)
            {
                clips.Add(ParseLine(file, lineNumber, line, folder, root, tokenizer, maxTokens));
            }
        }
        return clips.Count > 0 ? clips : throw new CaptionDataException(file, 1, "empty file: only blank lines, no clips");
    }

    /// <summary>The file's lines as UTF-8 bytes (a byte-order mark skipped, "\r\n" ends a line too), parsed as bytes so
    /// that text which is not UTF-8 is an error rather than silently replaced.</summary>
    private static IEnumerable<ReadOnlyMemory<byte>> Lines(byte[] bytes)
    {
        var start = bytes.AsSpan().StartsWith("\uFEFF"u8) ? 3 : 0;
        while (start <= bytes.Length)
        {
            var end = Array.IndexOf(bytes, (byte)'\n', start);
            if (end < 0)
            {
                end = bytes.Length;
            }
            yield return bytes.AsMemory(start, end - start);
            start = end + 1;
        }
    }

    private static CaptionedClip ParseLine(string file, int line, ReadOnlyMemory<byte> text, string folder, string root,
        BpeTokenizer? tokenizer, int maxTokens)
    {
        CaptionDataException Bad(string problem) => new(file, line, problem);
        if (!Utf8.IsValid(text.Span))
        {
            throw Bad("not valid JSON: the line is not UTF-8 text");
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            throw Bad($"not valid JSON: {e.Message}");
        }
        using (document)
        {
            var entry = document.RootElement;
            if (entry.ValueKind != JsonValueKind.Object)
            {
                throw Bad("not a JSON object {\"video\": ..., \"captions\": [...]}");
            }
            if (!entry.TryGetProperty("video", out var videoField) || videoField.ValueKind != JsonValueKind.String
                || videoField.GetString() is not { Length: > 0 } video)
            {
                throw Bad("no \"video\" path (a non-empty string)");
            }
            var videoPath = VideoPath(video, folder, root, Bad);
            if (!entry.TryGetProperty("captions", out var captionsField) || captionsField.ValueKind != JsonValueKind.Array
                || captionsField.GetArrayLength() == 0)
            {
                throw Bad("no \"captions\" (an array of at least one string)");
            }
            var captions = new List<string>();
            foreach (var caption in captionsField.EnumerateArray())
            {
                var number = captions.Count + 1;
                if (caption.ValueKind != JsonValueKind.String)
                {
                    throw Bad($"caption {number} is not a string");
                }
                var normal = CaptionText.Normalize(caption.GetString()!);
                if (normal.Length == 0)
                {
                    throw Bad($"caption {number} is empty");
                }
                if (tokenizer is not null && tokenizer.Encode(normal).Length is var tokens && tokens > maxTokens)
                {
                    throw Bad($"caption {number} is {tokens} tokens long, above the maximum length of {maxTokens} tokens (\"{normal}\")");
                }
                captions.Add(normal);
            }
            return new CaptionedClip(videoPath, captions, line);
        }
    }

    private static string VideoPath(string video, string folder, string root, Func<string, CaptionDataException> bad)
    {
        if (Path.IsPathRooted(video) || video.StartsWith('\\') || video.Contains('\0'))
        {
            throw bad($"video path '{video}' must be relative to the split folder");
        }
        if (video.Split('/', '\\').Contains(".."))
        {
            throw bad($"video path '{video}' leaves the split folder (\"..\"); refused");
        }
        var real = ContainedPath.Resolve(root, video, out var problem);
        if (real is null)
        {
            throw bad(problem.Contains("does not exist", StringComparison.Ordinal)
                ? $"video '{video}' not found ({problem})"
                : $"video '{video}': {problem}");
        }
        if (Directory.Exists(real))
        {
            throw bad($"video '{video}' is a folder, not a video file");
        }
        if (new FileInfo(real).Length == 0)
        {
            throw bad($"video '{video}' is empty (0 bytes) or not a regular file (a FIFO, device or socket)");
        }
        return Path.GetFullPath(Path.Join(folder, video)).TrimEnd(Path.DirectorySeparatorChar);
    }
}
