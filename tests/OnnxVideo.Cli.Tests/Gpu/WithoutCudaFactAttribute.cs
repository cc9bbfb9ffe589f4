namespace OnnxVideo.Cli.Tests.Gpu;

/// <summary>A test of what a machine without CUDA 13 reports; skipped, visibly, where CUDA 13 is installed.</summary>
public sealed class WithoutCudaFactAttribute : FactAttribute
{
    public WithoutCudaFactAttribute()
    {
        string[] folders = ["/usr/lib/x86_64-linux-gnu", "/usr/local/cuda/lib64", "/usr/local/cuda-13/lib64", .. LibraryPathFolders()];
        if (folders.Any(folder => File.Exists(Path.Combine(folder, "libcublasLt.so.13"))))
        {
            Skip = "CUDA 13 is installed here; this test checks the diagnostics of a machine without it";
        }
    }

    private static IEnumerable<string> LibraryPathFolders() =>
        (Environment.GetEnvironmentVariable("LD_LIBRARY_PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries);
}
