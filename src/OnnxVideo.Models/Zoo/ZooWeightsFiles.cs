using OnnxVideo.Onnx.Checkpoints;
using OnnxVideo.Onnx.Safetensors;

namespace OnnxVideo.Models.Zoo;

/// <summary>
/// Opens a weights file: <c>.safetensors</c> as safetensors; <c>.pth</c>, <c>.pt</c>, <c>.bin</c> and <c>.ckpt</c> as a
/// PyTorch checkpoint; any other name by its first bytes.
/// </summary>
internal static class ZooWeightsFiles
{
    private static readonly string[] CheckpointExtensions = [".pth", ".pt", ".bin", ".ckpt"];

    public static IZooWeightsFile Open(string path)
    {
        if (File.Exists(path) && Onnx.Files.SafeFiles.RegularFileProblem(System.IO.Path.GetFullPath(path)) is { } problem)
        {
            throw new UserFileException(path, problem);
        }
        var extension = System.IO.Path.GetExtension(path).ToLowerInvariant();
        var checkpoint = CheckpointExtensions.Contains(extension)
            || (extension != ".safetensors" && File.Exists(path) && TorchCheckpointFile.LooksLikeCheckpoint(path));
        return checkpoint
            ? new TorchCheckpointZooWeights(TorchCheckpointFile.Open(path))
            : new SafetensorsZooWeights(SafetensorsFile.Open(path));
    }
}
