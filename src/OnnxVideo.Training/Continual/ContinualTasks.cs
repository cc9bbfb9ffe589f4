using System.Text.Json;

namespace OnnxVideo.Training.Continual;

/// <summary>
/// Reads a task file: <c>{"tasks": [{"name": "task1", "classes": ["a", "b"]}, {"name": "task2", "classes": ["c"]}]}</c>,
/// the tasks in the order they were learned, no class in two tasks.
/// </summary>
public static class ContinualTasks
{
    private sealed record TaskFile(IReadOnlyList<ContinualTask>? Tasks);

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNameCaseInsensitive = true };

    public static IReadOnlyList<ContinualTask> Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new InvalidInputException(path, "no such task file");
        }
        TaskFile? file;
        try
        {
            file = JsonSerializer.Deserialize<TaskFile>(File.ReadAllText(path), JsonOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidInputException(path, $"not a task file ({{\"tasks\": [{{\"name\": …, \"classes\": […]}}, …]}}): {e.Message}", e);
        }
        var tasks = file?.Tasks;
        if (tasks is not { Count: > 0 })
        {
            throw new InvalidInputException(path, "lists no tasks (expected {\"tasks\": [{\"name\": …, \"classes\": […]}, …]})");
        }
        var owner = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < tasks.Count; i++)
        {
            var task = tasks[i];
            if (task is null || string.IsNullOrWhiteSpace(task.Name) || task.Classes is not { Count: > 0 })
            {
                throw new InvalidInputException(path, $"task {i + 1} needs a name and at least one class");
            }
            if (tasks.Take(i).Any(t => t.Name == task.Name))
            {
                throw new InvalidInputException(path, $"task name '{task.Name}' is used twice");
            }
            foreach (var name in task.Classes)
            {
                if (!owner.TryAdd(name, task.Name))
                {
                    throw new InvalidInputException(path, $"class '{name}' is in task '{owner[name]}' and in task '{task.Name}'");
                }
            }
        }
        return tasks;
    }
}
