using OnnxVideo.Media;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Safetensors;
using OnnxVideo.Ort;
using OnnxVideo.Training;
using OnnxVideo.Training.Checkpoints;
using OnnxVideo.Training.Data;
using OnnxVideo.Training.Loading;
using OnnxVideo.Training.Sessions;

namespace OnnxVideo.Cli.Training;

/// <summary>Bad input and stopped runs of <c>train</c>/<c>evaluate</c> become one message on stderr and exit code 2.</summary>
internal static class TrainingCliErrors
{
    public const int BadInput = 2;
    public const int Interrupted = 130;

    public static int Run(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("interrupted: the newest checkpoint is kept; continue with --resume");
            return Interrupted;
        }
        catch (Exception e) when (IsInputError(e))
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return BadInput;
        }
    }

    private static bool IsInputError(Exception e) => e is DatasetException or TrainingSessionException or CheckpointException or NoValidCheckpointException
        or OnnxVideo.Onnx.Locking.OutputInUseException
        or NonFiniteWeightsException or TrainingAbortedException or TooManyFailedClipsException or InvalidContractException
        or VideoInputException or SafetensorsFormatException or OnnxFormatException or OrtException
        or ExecutionProviderUnavailableException or FileNotFoundException or DirectoryNotFoundException or ArgumentException
        or UnauthorizedAccessException or IOException or OnnxVideo.Export.Packaging.TrainingPackageException
        or OnnxVideo.Runtime.VideoModelException;
}
