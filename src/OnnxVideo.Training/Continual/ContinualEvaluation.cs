using OnnxVideo.Runtime;
using OnnxVideo.Training.Data;

namespace OnnxVideo.Training.Continual;

/// <summary>
/// Scores a class-incremental model per task: the test clips whose class the model knows are classified through
/// <see cref="VideoClassifier"/> (the classify path), each task's top-1 is taken over all the model's classes, and
/// with a history file the accuracy before (the previous evaluation), the best earlier one and the forgetting measure
/// are reported for the old tasks; the row of this model is then appended to the history.
/// </summary>
public static class ContinualEvaluation
{
    /// <param name="data">Labelled test clips of any of the tasks' classes (by name); clips of classes the model lacks are not run.</param>
    /// <param name="historyPath">History file to compare with and append to (created when missing); null = none.</param>
    public static async Task<ContinualReport> RunAsync(VideoClassifier classifier, VideoDataset data, IReadOnlyList<ContinualTask> tasks,
        string? historyPath = null, string? modelName = null, CancellationToken ct = default)
    {
        var labels = classifier.Labels;
        var modelClass = labels.Select((name, i) => (name, i)).ToDictionary(x => x.name, x => x.i, StringComparer.Ordinal);
        var taskOf = tasks.SelectMany((t, i) => t.Classes.Select(c => (c, i))).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
        var outside = data.Classes.Where(c => !taskOf.ContainsKey(c)).ToList();
        if (outside.Count > 0)
        {
            throw new DatasetException(data.Source, $"has class(es) {string.Join(", ", outside)} that no task lists");
        }
        var learned = tasks.Select(t => t.Classes.All(modelClass.ContainsKey)).ToArray();
        var scored = data.Samples.Where(s => modelClass.ContainsKey(data.Classes[s.Label]) && learned[taskOf[data.Classes[s.Label]]]).ToList();
        var clips = new int[tasks.Count];
        var correct = new int[tasks.Count];
        var failed = 0;
        var index = 0;
        await foreach (var result in classifier.ClassifyManyAsync(scored.Select(s => s.Path), ct).ConfigureAwait(false))
        {
            var sample = scored[index++];
            if (result.Error is not null)
            {
                failed++;
                continue;
            }
            var name = data.Classes[sample.Label];
            var task = taskOf[name];
            clips[task]++;
            correct[task] += ArgMax(result.MeanLogits) == modelClass[name] ? 1 : 0;
        }
        var accuracy = Enumerable.Range(0, tasks.Count).Select(t => learned[t] && clips[t] > 0 ? (double?)correct[t] / clips[t] : null).ToArray();
        var history = historyPath is null ? null : ContinualHistory.ReadOrEmpty(historyPath, tasks);
        var report = Report(tasks, learned, clips, correct, accuracy, history?.Evaluations ?? [], modelName ?? "model") with { FailedClips = failed };
        history?.Append(report.Model, accuracy).Write(historyPath!);
        return report;
    }

    private static ContinualReport Report(IReadOnlyList<ContinualTask> tasks, bool[] learned, int[] clips, int[] correct, double?[] accuracy,
        IReadOnlyList<ContinualHistory.Row> earlier, string model)
    {
        var newest = Array.FindLastIndex(learned, l => l);
        var scores = new List<TaskScore>();
        for (var t = 0; t < tasks.Count; t++)
        {
            var role = !learned[t] ? "unseen" : t == newest ? "new" : "old";
            var before = earlier.Count > 0 ? earlier[^1].Accuracy[t] : null;
            var best = earlier.Select(r => r.Accuracy[t]).Where(a => a is not null).DefaultIfEmpty(null).Max();
            scores.Add(new TaskScore
            {
                Name = tasks[t].Name,
                Classes = tasks[t].Classes,
                Role = role,
                Clips = clips[t],
                Accuracy = accuracy[t],
                Before = before,
                Best = best,
                Forgetting = role == "old" && best is { } b && accuracy[t] is { } a ? b - a : null,
            });
        }
        double? Pooled(Func<int, bool> which)
        {
            var n = Enumerable.Range(0, tasks.Count).Where(which).Sum(t => clips[t]);
            return n == 0 ? null : (double)Enumerable.Range(0, tasks.Count).Where(which).Sum(t => correct[t]) / n;
        }
        var forgetting = scores.Where(s => s.Forgetting is not null).Select(s => s.Forgetting!.Value).ToList();
        return new ContinualReport
        {
            Model = model,
            Tasks = scores,
            OldAccuracy = Pooled(t => learned[t] && t != newest),
            NewAccuracy = Pooled(t => t == newest),
            AverageForgetting = forgetting.Count > 0 ? forgetting.Average() : null,
            Evaluations = earlier.Count + 1,
        };
    }

    private static int ArgMax(float[] values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }
        return best;
    }
}
