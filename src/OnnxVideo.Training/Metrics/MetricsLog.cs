using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using OnnxVideo.Onnx;

namespace OnnxVideo.Training.Metrics;

/// <summary>
/// The run's <c>metrics.jsonl</c>: one JSON object per epoch. Every write replaces the whole file atomically, so a
/// crash leaves the previous complete version; on resume the lines after the resumed epoch are dropped.
/// </summary>
internal sealed class MetricsLog
{
    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private readonly List<EpochMetrics> _epochs;

    public MetricsLog(string path)
    {
        Path = path;
        _epochs = File.Exists(path) ? Read(path).ToList() : [];
    }

    public string Path { get; }
    public IReadOnlyList<EpochMetrics> Epochs => _epochs;

    /// <summary>Keeps only epochs up to and including <paramref name="lastEpoch"/> (used when resuming).</summary>
    public void TruncateAfter(int lastEpoch)
    {
        if (_epochs.RemoveAll(e => e.Epoch > lastEpoch) > 0)
        {
            Flush();
        }
    }

    public void Append(EpochMetrics epoch)
    {
        _epochs.RemoveAll(e => e.Epoch >= epoch.Epoch);
        _epochs.Add(epoch);
        Flush();
    }

    private void Flush()
    {
        var text = new StringBuilder();
        foreach (var epoch in _epochs)
        {
            text.Append(JsonSerializer.Serialize(epoch, JsonOptions)).Append('\n');
        }
        AtomicFile.WriteAllBytes(Path, Encoding.UTF8.GetBytes(text.ToString()));
    }

    public static IReadOnlyList<EpochMetrics> Read(string path)
    {
        var epochs = new List<EpochMetrics>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.Trim().Length == 0)
            {
                continue;
            }
            try
            {
                epochs.Add(JsonSerializer.Deserialize<EpochMetrics>(line, JsonOptions)
                    ?? throw new JsonException("empty line object"));
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{path}:{lineNumber}: not an epoch record: {e.Message}", e);
            }
        }
        return epochs;
    }
}
