using OnnxVideo.Ort;

namespace OnnxVideo.CommandLine;

/// <summary>The one reading of a device name (<c>--device</c>, gpu-check's <c>--devices</c>) for every command.</summary>
internal static class DeviceOption
{
    public const string Names = "cpu, cuda, tensorrt or auto";

    public static ExecutionProvider Parse(string flag, string device) => device.Trim().ToLowerInvariant() switch
    {
        "cpu" => ExecutionProvider.Cpu,
        "cuda" => ExecutionProvider.Cuda,
        "tensorrt" => ExecutionProvider.TensorRt,
        "auto" => ExecutionProvider.Auto,
        _ => throw new InvalidFlagException(flag, device, $"unknown device ({Names})"),
    };
}
