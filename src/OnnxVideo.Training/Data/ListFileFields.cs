namespace OnnxVideo.Training.Data;

/// <summary>Splits a list-file line on commas when it has any, otherwise on runs of whitespace.</summary>
internal static class ListFileFields
{
    public static string[] Split(string line)
    {
        if (line.Contains(','))
        {
            return line.Split(',', StringSplitOptions.TrimEntries);
        }
        return line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
