namespace OnnxVideo.Ort;

/// <summary>Kind of hardware an execution-provider device runs on (ORT's <c>OrtHardwareDeviceType</c>).</summary>
public enum HardwareDeviceType
{
    Cpu = 0,
    Gpu = 1,
    Npu = 2,
}
