using System.Globalization;
using OnnxVideo.Media;

namespace OnnxVideo.Packaging.Contracts;

/// <summary>Class labels from a command-line value: a class count N, or a text file with one label per line.</summary>
internal static class ClassLabels
{
    /// <summary>
    /// "10" gives labels class_0 … class_9; anything else is read as a labels file (blank lines skipped, labels
    /// trimmed, must be unique). A bad count is an <see cref="InvalidInputException"/>, a missing or unreadable file a <see cref="UserFileException"/>, a bad
    /// file an <see cref="InvalidContractException"/>, both naming the input.
    /// </summary>
    public static string[] Resolve(string value)
    {
        if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            if (count < 1 || count > 1_000_000)
            {
                throw new InvalidInputException(value, "class count must be between 1 and 1000000");
            }
            return Enumerable.Range(0, (int)count).Select(i => $"class_{i}").ToArray();
        }
        return ReadFile(value);
    }

    /// <summary>Whether <paramref name="value"/> is a class count, so <see cref="Resolve"/> makes placeholder labels of it.</summary>
    public static bool IsCount(string value) => long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out _);

    public static string[] ReadFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new UserFileException(path, "labels file not found (give a class count or a file with one label per line)");
        }
        var labels = UserFileException.Guard(path, "cannot read the labels file", () => File.ReadAllLines(path)).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
        if (labels.Length == 0)
        {
            throw new InvalidContractException(path, "labels file has no labels");
        }
        var duplicate = labels.GroupBy(l => l, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidContractException(path, $"label '{duplicate.Key}' appears {duplicate.Count()} times");
        }
        return labels;
    }
}
