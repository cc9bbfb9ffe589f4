namespace OnnxVideo.Testing;

/// <summary>
/// A test that needs an NVIDIA GPU with CUDA 13: skipped, visibly, where none is found; with ONNXVIDEO_REQUIRE_GPU=1
/// it always runs, so a missing GPU fails it.
/// </summary>
public sealed class GpuFactAttribute : FactAttribute
{
    public GpuFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("ONNXVIDEO_REQUIRE_GPU") != "1" && !CudaIsInstalled())
        {
            Skip = "needs an NVIDIA GPU with CUDA 13 (none found; set ONNXVIDEO_REQUIRE_GPU=1 to make this a failure)";
        }
    }

    public static bool CudaIsInstalled()
    {
        string[] folders = ["/usr/lib/x86_64-linux-gnu", "/usr/local/cuda/lib64", "/usr/local/cuda-13/lib64",
            .. (Environment.GetEnvironmentVariable("LD_LIBRARY_PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)];
        return folders.Any(folder => File.Exists(System.IO.Path.Combine(folder, "libcublasLt.so.13")))
            && folders.Any(folder => File.Exists(System.IO.Path.Combine(folder, "libcuda.so.1")));
    }
}
