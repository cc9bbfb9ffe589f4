using System.Text.Json;
using OnnxVideo.Onnx;

namespace OnnxVideo.Training.Continual;

/// <summary>
/// The accuracy matrix of a task sequence, one row per evaluated model (after task 1, after task 2, …), kept in a JSON
/// file that each <c>evaluate --tasks … --history</c> appends to (atomically); forgetting compares a row with the earlier ones.
/// </summary>
internal sealed record ContinualHistory
{
    public sealed record Row(string Model, IReadOnlyList<double?> Accuracy);

    public int FormatVersion { get; init; } = 1;
    public IReadOnlyList<string> Tasks { get; init; } = [];
    public IReadOnlyList<Row> Evaluations { get; init; } = [];

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true };

    /// <summary>The history in <paramref name="path"/>, or an empty one for <paramref name="tasks"/> when the file does not exist yet.</summary>
    public static ContinualHistory ReadOrEmpty(string path, IReadOnlyList<ContinualTask> tasks)
    {
        var names = tasks.Select(t => t.Name).ToList();
        if (!File.Exists(path))
        {
            return new ContinualHistory { Tasks = names };
        }
        ContinualHistory? history;
        try
        {
            history = JsonSerializer.Deserialize<ContinualHistory>(File.ReadAllText(path), JsonOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidInputException(path, $"not a continual-learning history: {e.Message}", e);
        }
        if (history is null || history.FormatVersion != 1 || history.Evaluations.Any(r => r is null || r.Accuracy.Count != history.Tasks.Count))
        {
            throw new InvalidInputException(path, "not a continual-learning history of format version 1");
        }
        if (!history.Tasks.SequenceEqual(names))
        {
            throw new InvalidInputException(path, $"holds the tasks {string.Join(", ", history.Tasks)}, but the task file lists {string.Join(", ", names)}");
        }
        return history;
    }

    public ContinualHistory Append(string model, IReadOnlyList<double?> accuracy) => this with { Evaluations = [.. Evaluations, new Row(model, accuracy)] };

    public void Write(string path) => AtomicFile.WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(this, JsonOptions));
}
