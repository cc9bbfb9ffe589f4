namespace OnnxVideo.Testing;

/// <summary>A test of what a machine without CUDA 13 reports; skipped, visibly, where CUDA 13 is installed.</summary>
public sealed class WithoutCudaFactAttribute : FactAttribute
{
    public WithoutCudaFactAttribute()
    {
        if (GpuFactAttribute.CudaIsInstalled())
        {
            Skip = "CUDA 13 is installed here; this test checks the diagnostics of a machine without it";
        }
    }
}
