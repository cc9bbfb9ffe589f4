using OnnxVideo.Export.Import;
using OnnxVideo.Export.Zoo;
using OnnxVideo.Media;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Safetensors;

namespace OnnxVideo.ExportTool;

/// <summary>Turns the typed errors of bad input into one message on stderr and a non-zero exit code, no stack trace.</summary>
public static class CliErrors
{
    public const int BadInput = 2;

    public static int Run(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (IsInputError(e))
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return BadInput;
        }
    }

    private static bool IsInputError(Exception e) => e is UnknownArchitectureException or ZooWeightsMismatchException or HeadNotFoundException
        or SafetensorsFormatException or OnnxFormatException or InvalidContractException or FileNotFoundException
        or DirectoryNotFoundException or ArgumentException or UnauthorizedAccessException or IOException;
}
