using System.Globalization;
using OnnxVideo.Media;
using OnnxVideo.Training.Data;

namespace OnnxVideo.Cli.Training;

/// <summary>
/// Reads the training set with the class names the trained model will carry. A package whose labels are real names
/// reads the data in that order; one whose labels are placeholders (the model was built from a class count) or
/// absent takes the data's own class names (class map, <c>labels.txt</c>, or sorted folder/label names), checked for
/// count. When the data's names and the model's labels differ, the error lists which and how to fix it.
/// </summary>
internal static class TrainingSetClasses
{
    private const string MissingOnly = "it has no clips of the model's classes ";

    /// <param name="allowMissingClasses">Class-incremental training: the data may hold only some of the model's
    /// classes (the new ones; rehearsal brings exemplars of the old ones).</param>
    public static VideoDataset Read(string trainPath, string? classMapPath, PreprocessingContract contract, int modelClasses, bool allowMissingClasses = false)
    {
        if (contract.PlaceholderLabels || contract.Labels.Length == 0)
        {
            var data = DatasetReader.Read(trainPath, new DatasetOptions { ClassMapPath = classMapPath, RequireEveryClass = true });
            if (data.Classes.Count != modelClasses)
            {
                var what = contract.PlaceholderLabels ? " (its labels are placeholders made from a class count)" : "";
                throw new DatasetException(trainPath,
                    $"has {data.Classes.Count} classes ({Names(data.Classes)}) but the package's model predicts {modelClasses}{what}; " +
                    $"build the model for this data with --classes {LabelsFileHint(trainPath, data.Classes.Count)} (onnxvideo-export create/head), then package it again");
            }
            return data;
        }
        try
        {
            return DatasetReader.Read(trainPath, new DatasetOptions { Classes = contract.Labels, ClassMapPath = classMapPath, RequireEveryClass = !allowMissingClasses });
        }
        catch (DatasetException) when (Conflict(trainPath, classMapPath, contract.Labels) is { } conflict)
        {
            if (conflict.StartsWith(MissingOnly, StringComparison.Ordinal))
            {
                throw new DatasetException(trainPath, conflict);
            }
            throw new DatasetException(trainPath,
                $"the data's classes differ from the model's labels: {conflict}; rename the class folders (or list labels) to the model's labels, " +
                $"or build the model with the data's labels (onnxvideo-export create/head --classes {LabelsFileHint(trainPath, null)}) and package it again");
        }
    }

    /// <summary>Which names only the data has and which only the model has, or null when the names agree (or the data
    /// labels by index, which maps onto any labels).</summary>
    private static string? Conflict(string trainPath, string? classMapPath, IReadOnlyList<string> modelLabels)
    {
        VideoDataset natural;
        try
        {
            natural = DatasetReader.Read(trainPath, new DatasetOptions { ClassMapPath = classMapPath });
        }
        catch (DatasetException)
        {
            return null;
        }
        if (natural.Classes.All(c => int.TryParse(c, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            return null;
        }
        var onlyData = natural.Classes.Except(modelLabels, StringComparer.Ordinal).ToList();
        var onlyModel = modelLabels.Except(natural.Classes, StringComparer.Ordinal).ToList();
        if (onlyData.Count == 0 && onlyModel.Count == 0)
        {
            return null;
        }
        if (onlyData.Count == 0)
        {
            return $"{MissingOnly}{Names(onlyModel)} (to add classes to a trained model, rehearse the old ones with "
                + "--previous-run or --exemplars, or distil them with --teacher)";
        }
        var parts = new List<string>();
        if (onlyData.Count > 0)
        {
            parts.Add($"only in the data: {Names(onlyData)}");
        }
        if (onlyModel.Count > 0)
        {
            parts.Add($"only in the model: {Names(onlyModel)}");
        }
        return string.Join("; ", parts);
    }

    /// <summary>The data's own class-map file when it has one, else what to write.</summary>
    private static string LabelsFileHint(string trainPath, int? count)
    {
        var folder = Directory.Exists(trainPath) ? trainPath : Path.GetDirectoryName(Path.GetFullPath(trainPath)) ?? ".";
        var existing = DatasetReader.ClassMapFileNames.Select(n => Path.Combine(folder, n)).FirstOrDefault(File.Exists);
        return existing ?? (count is { } n
            ? $"{n} or a labels file with one class name per line"
            : "<a labels file with one class name per line>");
    }

    private static string Names(IEnumerable<string> names)
    {
        var list = names.ToList();
        var shown = string.Join(", ", list.Take(10).Select(n => $"'{n}'"));
        return list.Count > 10 ? $"{shown}, … ({list.Count} in all)" : shown;
    }
}
