using OnnxVideo.CommandLine;
using OnnxVideo.Runtime;

namespace OnnxVideo.Cli.Captioning;

/// <summary>The video paths of the command line's inputs (files, folders, list files); none found is a user error.</summary>
internal static class CaptionInputs
{
    public static IReadOnlyList<string> Collect(IReadOnlyList<string> inputs)
    {
        var expanded = VideoInputList.Collect(inputs);
        foreach (var skipped in expanded.Skipped)
        {
            Console.Error.WriteLine($"skipped {skipped.Path}: {skipped.Reason}");
        }
        return expanded.Paths.Count > 0
            ? expanded.Paths
            : throw new InvalidFlagException("inputs", string.Join(", ", inputs), "no video files found");
    }
}
