using System.Text.RegularExpressions;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Safetensors;

namespace OnnxVideo.Training.Checkpoints;

/// <summary>
/// What a killed or failed run leaves in its run folder besides committed files: temporary files of atomic writes
/// (metrics, summary, report, best model weights) and interrupted checkpoint saves. Only for the lock holder.
/// </summary>
internal static partial class RunFolderOrphans
{
    public static IReadOnlyList<string> Remove(string runDirectory, CheckpointStore store)
    {
        var removed = new List<string>(store.RemoveOrphans());
        foreach (var folder in new[] { runDirectory, Path.Combine(runDirectory, "best") })
        {
            if (!Directory.Exists(folder))
            {
                continue;
            }
            foreach (var file in Directory.EnumerateFiles(folder, "*", new EnumerationOptions { AttributesToSkip = FileAttributes.ReparsePoint }))
            {
                var name = Path.GetFileName(file);
                if (AtomicFile.IsTemporaryName(name) || SafetensorsWriter.IsTemporaryName(name) || ExportWeightsName().IsMatch(name))
                {
                    File.Delete(file);
                    removed.Add(file);
                }
            }
        }
        return removed;
    }

    /// <summary>The weights file <c>TrainingSession.ExportModelForInferencing</c> writes beside the model it exports.</summary>
    [GeneratedRegex("^\\.weights-[0-9a-f]{32}\\.safetensors$")]
    private static partial Regex ExportWeightsName();
}
