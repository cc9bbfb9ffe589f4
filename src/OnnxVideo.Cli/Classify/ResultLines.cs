using System.Text.Json;

namespace OnnxVideo.Cli.Classify;

/// <summary>
/// A result file's contents split into records: one per key (the last line of a key, at the place of its first), the
/// damaged lines (not a JSON object with a string "path") and whether the last line was torn (no final newline).
/// Only "path", "error" and "attempt" are read; every other field of a record is kept byte for byte.
/// </summary>
internal sealed class ResultLines
{
    public List<ResultLine> Lines { get; } = [];
    public List<byte[]> Damaged { get; } = [];
    public int Repeats { get; private set; }
    public bool TornTail { get; private set; }
    public bool NeedsRewrite => Damaged.Count > 0 || Repeats > 0 || TornTail;

    public static ResultLines Parse(ReadOnlySpan<byte> content)
    {
        var result = new ResultLines();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        while (content.Length > 0)
        {
            var end = content.IndexOf((byte)'\n');
            var line = end < 0 ? content : content[..end];
            content = end < 0 ? [] : content[(end + 1)..];
            if (end < 0)
            {
                result.TornTail = true;
            }
            if (line.Trim((byte)' ').Length == 0)
            {
                continue;
            }
            if (TryRead(line, out var key, out var state))
            {
                if (index.TryGetValue(key, out var at))
                {
                    var earlier = result.Lines[at].State;
                    state = state with { Attempt = Math.Max(state.Attempt, earlier.Attempt + 1) };
                    result.Lines[at] = new ResultLine(key, state, line.ToArray());
                    result.Repeats++;
                }
                else
                {
                    index[key] = result.Lines.Count;
                    result.Lines.Add(new ResultLine(key, state, line.ToArray()));
                }
            }
            else
            {
                result.Damaged.Add(line.ToArray());
            }
        }
        return result;
    }

    private static bool TryRead(ReadOnlySpan<byte> line, out string key, out ResultLineState state)
    {
        key = "";
        state = default;
        try
        {
            // Parse (not ParseValue): two records run together on one line must not pass as the first.
            using var document = JsonDocument.Parse(line.ToArray());
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("path", out var path) || path.ValueKind != JsonValueKind.String)
            {
                return false;
            }
            var succeeded = root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Null;
            var attempt = root.TryGetProperty("attempt", out var a) && a.TryGetInt32(out var n) && n > 0 ? n : 1;
            key = path.GetString()!;
            state = new ResultLineState(succeeded, attempt);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
