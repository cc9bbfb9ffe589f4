using OnnxVideo.Ort;

namespace OnnxVideo.Cli.Training;

internal static class DeviceOption
{
    public static ExecutionProvider Parse(string device) => device.ToLowerInvariant() switch
    {
        "cpu" => ExecutionProvider.Cpu,
        "cuda" or "gpu" => ExecutionProvider.Cuda,
        "tensorrt" or "trt" => ExecutionProvider.TensorRt,
        "auto" => ExecutionProvider.Auto,
        _ => throw new ArgumentException($"--device: unknown device '{device}' (cpu, cuda, tensorrt, auto)"),
    };
}
