using System.Text.Json;
using System.Text.Json.Serialization;

namespace OnnxVideo.Training.Checkpoints;

/// <summary>
/// <c>checkpoint.json</c>, written last into a checkpoint folder: its presence, with every listed file matching its
/// size and SHA-256, is what makes the checkpoint valid.
/// </summary>
internal sealed record CheckpointManifest
{
    public const string FileName = "checkpoint.json";
    public const int CurrentFormatVersion = 1;
    /// <summary>A checkpoint manifest lists three files; anything larger is refused before it is read.</summary>
    public const long MaxBytes = 1L << 20;

    public int FormatVersion { get; init; } = CurrentFormatVersion;
    public required long Step { get; init; }
    public required int Epoch { get; init; }
    public required DateTime CreatedUtc { get; init; }
    /// <summary>Identifies the training package the weights belong to (its manifest hash).</summary>
    public string? PackageId { get; init; }
    public required IReadOnlyDictionary<string, CheckpointFileEntry> Files { get; init; }

    internal static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public static CheckpointManifest Parse(string json, string source)
    {
        try
        {
            var manifest = JsonSerializer.Deserialize<CheckpointManifest>(json, JsonOptions)
                ?? throw new CheckpointException(source, "empty manifest");
            if (manifest.Files is null)
            {
                throw new CheckpointException(source, "no 'files' listed");
            }
            if (manifest.FormatVersion != CurrentFormatVersion)
            {
                throw new CheckpointException(source, $"format version {manifest.FormatVersion} is not supported (expected {CurrentFormatVersion})");
            }
            return manifest;
        }
        catch (JsonException e)
        {
            throw new CheckpointException(source, $"not a checkpoint manifest: {e.Message}");
        }
    }
}
