namespace OnnxVideo.Ort;

/// <summary>Which execution provider a session should use.</summary>
public enum ExecutionProvider
{
    /// <summary>ORT's CPU provider.</summary>
    Cpu = 0,

    /// <summary>NVIDIA CUDA; needs libonnxruntime_providers_cuda.so beside libonnxruntime.</summary>
    Cuda = 1,

    /// <summary>NVIDIA TensorRT (CUDA covers nodes TensorRT cannot take); needs libonnxruntime_providers_tensorrt.so.</summary>
    TensorRt = 2,

    /// <summary>TensorRT if it can be used, else CUDA, else CPU; the session reports the choice and the reasons.</summary>
    Auto = 3,
}
