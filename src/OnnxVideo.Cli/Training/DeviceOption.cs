using OnnxVideo.Cli.Commands;
using OnnxVideo.Ort;

namespace OnnxVideo.Cli.Training;

/// <summary>The one reading of <c>--device</c> for every command.</summary>
internal static class DeviceOption
{
    public static ExecutionProvider Parse(string device) => device.ToLowerInvariant() switch
    {
        "cpu" => ExecutionProvider.Cpu,
        "cuda" => ExecutionProvider.Cuda,
        "tensorrt" => ExecutionProvider.TensorRt,
        "auto" => ExecutionProvider.Auto,
        _ => throw new InvalidFlagException("--device", device, "unknown device (cpu, cuda, tensorrt, auto)"),
    };
}
