using System.Diagnostics;
using OnnxVideo.CommandLine;
using OnnxVideo.Media;
using OnnxVideo.Text;

namespace OnnxVideo.Cli.Commands;

/// <summary>
/// <c>onnxvideo dataset synth --captions</c>: the videos come from Media's synthetic caption set, the captions.jsonl of
/// each split from Text's writer (its format's owner), written after the split's videos; heldout.txt (the held-out
/// attribute pairs) goes to the dataset folder, val/ and test/.
/// </summary>
internal static class CaptionDatasetSynthesis
{
    public const string HeldOutFile = "heldout.txt";

    public static async Task<int> RunAsync(string root, SyntheticCaptionOptions options, CancellationToken ct)
    {
        var timer = Stopwatch.StartNew();
        var splits = await UserFileException.GuardAsync(root, "cannot write the dataset",
            () => SyntheticCaptionDataset.GenerateAsync(root, options, ct));
        var heldOut = string.Concat(options.Holdout.Describe().Select(line => line + "\n"));
        foreach (var split in splits)
        {
            CaptionDatasetWriter.Write(split.Folder, split.Clips.Select(c => (c.RelativePath, c.Captions)));
            if (split.Name != "train")
            {
                WriteText(Path.Combine(split.Folder, HeldOutFile), heldOut);
            }
        }
        WriteText(Path.Combine(Path.GetFullPath(root), HeldOutFile), heldOut);
        Console.WriteLine($"wrote {splits.Sum(s => s.Clips.Count)} captioned clips ("
            + string.Join(", ", splits.Select(s => $"{s.Name} {s.Clips.Count}")) + $") to {Path.GetFullPath(root)} in {timer.Elapsed.TotalSeconds:0.0} s");
        Console.WriteLine($"held out of train/ (val/ and test/ clips have at least one): {string.Join("; ", options.Holdout.Describe())}");
        return ExitCodes.Ok;
    }

    private static void WriteText(string path, string text) =>
        UserFileException.Guard(path, "cannot write", () => File.WriteAllText(path, text));
}
