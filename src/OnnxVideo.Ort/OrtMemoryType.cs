namespace OnnxVideo.Ort;

/// <summary>ORT memory type: the device's own memory or CPU memory an accelerator reads or writes.</summary>
public enum OrtMemoryType
{
    CpuInput = -2,
    CpuOutput = -1,
    Default = 0,
}
