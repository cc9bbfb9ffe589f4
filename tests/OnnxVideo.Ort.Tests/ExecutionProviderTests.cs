namespace OnnxVideo.Ort.Tests;

/// <summary>
/// Runs on the CPU package of ONNX Runtime (this repository's default build), which has no GPU provider compiled in.
/// </summary>
public sealed class ExecutionProviderTests
{
    [Fact]
    public void CudaWithoutItsLibraryGivesTheTypedError()
    {
        var options = new OrtSessionOptions { ExecutionProvider = ExecutionProvider.Cuda, Cuda = new CudaProviderOptions { DeviceId = 0, GpuMemoryLimit = 1L << 30 } };
        var error = Assert.Throws<ExecutionProviderUnavailableException>(() => new OrtSession(TestModels.Add(), options));
        Assert.Equal(ExecutionProvider.Cuda, error.Provider);
        Assert.Contains("CPU-only build", error.Message);
        Assert.Contains(OrtLibrary.LibraryPath, error.Message);
        Assert.Contains("Microsoft.ML.OnnxRuntime.Gpu.Linux", error.Message);
    }

    [Fact]
    public void TensorRtWithoutItsLibraryGivesTheTypedError()
    {
        var options = new OrtSessionOptions
        {
            ExecutionProvider = ExecutionProvider.TensorRt,
            TensorRt = new TensorRtProviderOptions { Fp16 = true, EngineCacheEnabled = true, EngineCachePath = "/tmp/trt" },
        };
        var error = Assert.Throws<ExecutionProviderUnavailableException>(() => new OrtSession(TestModels.Add(), options));
        Assert.Equal(ExecutionProvider.TensorRt, error.Provider);
        Assert.Contains("CPU-only build", error.Message);
        Assert.Contains("Microsoft.ML.OnnxRuntime.Gpu.Linux", error.Message);
    }

    [Fact]
    public void AutoPicksCpuAndSaysWhy()
    {
        using var session = new OrtSession(TestModels.Add(), new OrtSessionOptions { ExecutionProvider = ExecutionProvider.Auto });
        var selection = session.ExecutionProvider;
        Assert.Equal(ExecutionProvider.Auto, selection.Requested);
        Assert.Equal(ExecutionProvider.Cpu, selection.Chosen);
        Assert.Equal([ExecutionProvider.TensorRt, ExecutionProvider.Cuda], selection.Rejected.Select(r => r.Provider));
        Assert.All(selection.Rejected, r => Assert.Contains("CPU-only build", r.Reason));
        Assert.Contains("Cpu (requested Auto; TensorRt not used:", selection.ToString());

        using var a = OrtValue.CreateTensor(new float[] { 1, 2, 3, 4 }, 1, 4);
        using var sum = session.Run(["a", "b"], [a, a])[0];
        Assert.Equal(new float[] { 2, 4, 6, 8 }, sum.ToArray<float>());
    }

    [Fact]
    public void AvailabilityListsCpuAsUsableAndGpuProvidersWithReasons()
    {
        var statuses = ExecutionProviders.CheckAvailability();
        Assert.Equal([ExecutionProvider.TensorRt, ExecutionProvider.Cuda, ExecutionProvider.Cpu], statuses.Select(s => s.Provider));
        Assert.True(statuses[2].IsUsable);
        Assert.False(statuses[0].IsUsable);
        Assert.False(statuses[1].IsUsable);
        Assert.Contains("CPU-only build", statuses[1].Detail);
    }
}
