using System.Text.Json;
using OnnxVideo.Runtime;

namespace OnnxVideo.Cli.Classify;

/// <summary>
/// One JSON line per result: <c>{"path": …, "top": [{"label": …, "score": …}], "error": null}</c>, plus the failure
/// reason, the warnings (frames filled in rather than decoded), the sliding-window timeline and the timings in
/// milliseconds when present.
/// </summary>
internal static class ClassificationJson
{
    public static string Line(ClassificationResult result)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("path", result.Source);
            WriteTop(json, "top", result.Top);
            if (result.Error is { } error)
            {
                json.WriteString("error", error.Message);
                json.WriteString("reason", error.Reason.ToString());
            }
            else
            {
                json.WriteNull("error");
            }
            if (result.Warnings.Count > 0)
            {
                json.WriteStartArray("warnings");
                foreach (var warning in result.Warnings)
                {
                    json.WriteStringValue(warning);
                }
                json.WriteEndArray();
            }
            if (result.Timeline is { } timeline)
            {
                json.WriteStartArray("timeline");
                foreach (var segment in timeline)
                {
                    json.WriteStartObject();
                    json.WriteNumber("start", Math.Round(segment.Start.TotalSeconds, 3));
                    json.WriteNumber("end", Math.Round(segment.End.TotalSeconds, 3));
                    WriteTop(json, "top", segment.Top);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
            }
            json.WriteStartObject("ms");
            json.WriteNumber("decode", Math.Round(result.Timings.Decode.TotalMilliseconds, 1));
            json.WriteNumber("preprocess", Math.Round(result.Timings.Preprocess.TotalMilliseconds, 1));
            json.WriteNumber("inference", Math.Round(result.Timings.Inference.TotalMilliseconds, 1));
            json.WriteNumber("total", Math.Round(result.Timings.Total.TotalMilliseconds, 1));
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteTop(Utf8JsonWriter json, string name, IReadOnlyList<LabelScore> top)
    {
        json.WriteStartArray(name);
        foreach (var label in top)
        {
            json.WriteStartObject();
            json.WriteString("label", label.Label);
            json.WriteNumber("score", Math.Round(label.Score, 6));
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    /// <summary>Paths of the successful results in an existing JSON-lines file (unparsable lines are ignored).</summary>
    public static HashSet<string> SucceededPaths(string path)
    {
        var done = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(path))
        {
            try
            {
                using var doc = JsonDocument.Parse(line);
                var root = doc.RootElement;
                if (root.TryGetProperty("path", out var p) && p.ValueKind == JsonValueKind.String
                    && root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Null)
                {
                    done.Add(p.GetString()!);
                }
            }
            catch (JsonException)
            {
            }
        }
        return done;
    }
}
