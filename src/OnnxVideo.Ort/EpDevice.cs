namespace OnnxVideo.Ort;

/// <summary>
/// One (execution provider, hardware device) pair that ONNX Runtime can run a session on, as reported by
/// <c>GetEpDevices</c>: e.g. CPUExecutionProvider on the CPU, CUDAExecutionProvider on GPU 0.
/// </summary>
public sealed record EpDevice(
    string EpName,
    string EpVendor,
    HardwareDeviceType DeviceType,
    string DeviceVendor,
    uint VendorId,
    uint DeviceId,
    IReadOnlyDictionary<string, string> DeviceMetadata)
{
    /// <summary>Our name for the provider, or null for one this binding does not drive.</summary>
    public ExecutionProvider? Provider => EpName switch
    {
        "CPUExecutionProvider" => ExecutionProvider.Cpu,
        "CUDAExecutionProvider" => ExecutionProvider.Cuda,
        "TensorrtExecutionProvider" => ExecutionProvider.TensorRt,
        _ => null,
    };
}
