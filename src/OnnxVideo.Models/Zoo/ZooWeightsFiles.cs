using OnnxVideo.Onnx.Checkpoints;
using OnnxVideo.Onnx.Safetensors;

namespace OnnxVideo.Models.Zoo;

/// <summary>Opens a weights file by its content: a PyTorch checkpoint (zip or pickle) or else safetensors.</summary>
internal static class ZooWeightsFiles
{
    public static IZooWeightsFile Open(string path)
    {
        if (File.Exists(path) && Onnx.Files.SafeFiles.RegularFileProblem(System.IO.Path.GetFullPath(path)) is { } problem)
        {
            throw new UserFileException(path, problem);
        }
        if (File.Exists(path) && TorchCheckpointFile.LooksLikeCheckpoint(path))
        {
            return new TorchCheckpointZooWeights(TorchCheckpointFile.Open(path));
        }
        return new SafetensorsZooWeights(SafetensorsFile.Open(path));
    }
}
