using System.Text.Json;
using System.Text.Json.Serialization;
using OnnxVideo.Onnx;

namespace OnnxVideo.Training.Continual;

/// <summary>
/// A rehearsal memory as stored in a run folder (<c>exemplars.json</c>): the classes seen so far in model order, and
/// per class its exemplars in priority order (herding's order, so the first m are the best m when the memory shrinks).
/// The clips are referenced by absolute path, not copied.
/// </summary>
public sealed record ExemplarFile
{
    public const string FileName = "exemplars.json";
    public const int CurrentFormatVersion = 1;
    private const long MaxBytes = 64L << 20;

    public int FormatVersion { get; init; } = CurrentFormatVersion;
    public ExemplarSelection Selection { get; init; }
    /// <summary>What herding compared: the model's features (the head's input) or, when the head was not found, its logits.</summary>
    public string Features { get; init; } = "";
    /// <summary>The exemplar budget the file was selected for.</summary>
    public int Memory { get; init; }
    public IReadOnlyList<string> Classes { get; init; } = [];
    public IReadOnlyList<Exemplar> Exemplars { get; init; } = [];

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>Writes the file atomically (a killed write leaves the previous file or none).</summary>
    public void Write(string path) => AtomicFile.WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(this, JsonOptions));

    /// <summary>Reads and checks an exemplar file: every clip must exist and every label be one of its classes.</summary>
    public static ExemplarFile Read(string path)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new ExemplarFileException(path, Directory.Exists(full) ? "is a folder, not an exemplar file (give the run folder with --previous-run)" : "no such exemplar file");
        }
        if (new FileInfo(full).Length > MaxBytes)
        {
            throw new ExemplarFileException(path, $"is larger than {MaxBytes >> 20} MB, too large for an exemplar file");
        }
        ExemplarFile? file;
        try
        {
            file = JsonSerializer.Deserialize<ExemplarFile>(File.ReadAllBytes(full), JsonOptions);
        }
        catch (JsonException e)
        {
            throw new ExemplarFileException(path, $"not a valid exemplar file: {e.Message}", e);
        }
        if (file is null || file.FormatVersion != CurrentFormatVersion)
        {
            throw new ExemplarFileException(path, $"not an exemplar file of format version {CurrentFormatVersion}");
        }
        var classes = file.Classes.ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < file.Exemplars.Count; i++)
        {
            var exemplar = file.Exemplars[i];
            if (exemplar is null || string.IsNullOrEmpty(exemplar.Path) || string.IsNullOrEmpty(exemplar.Label))
            {
                throw new ExemplarFileException(path, $"exemplar {i + 1} lacks a path or a label");
            }
            if (!classes.Contains(exemplar.Label))
            {
                throw new ExemplarFileException(path, $"exemplar {i + 1} has label '{exemplar.Label}', which is not one of the file's classes");
            }
            if (!File.Exists(exemplar.Path) && !Directory.Exists(exemplar.Path))
            {
                throw new ExemplarFileException(path, $"exemplar {i + 1} names a missing clip '{exemplar.Path}'");
            }
        }
        return file;
    }
}
