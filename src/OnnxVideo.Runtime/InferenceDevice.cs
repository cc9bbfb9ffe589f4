namespace OnnxVideo.Runtime;

/// <summary>Where the model runs.</summary>
public enum InferenceDevice
{
    Cpu,
    Cuda,
    TensorRt,
    /// <summary>TensorRT, else CUDA, else CPU, whichever can be loaded.</summary>
    Auto,
}
