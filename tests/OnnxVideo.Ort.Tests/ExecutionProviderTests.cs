namespace OnnxVideo.Ort.Tests;

/// <summary>
/// Runs on a machine without the GPU provider libraries (they are not part of this repository's set-up).
/// One class, so its tests never overlap: one of them places fake provider files beside libonnxruntime for a moment.
/// </summary>
public sealed class ExecutionProviderTests
{
    [Fact]
    public void CudaWithoutItsLibraryGivesTheTypedError()
    {
        var options = new OrtSessionOptions { ExecutionProvider = ExecutionProvider.Cuda, Cuda = new CudaProviderOptions { DeviceId = 0, GpuMemoryLimit = 1L << 30 } };
        var error = Assert.Throws<ExecutionProviderUnavailableException>(() => new OrtSession(TestModels.Add(), options));
        Assert.Equal(ExecutionProvider.Cuda, error.Provider);
        Assert.Contains(Path.Combine(OrtLibrary.LibraryDirectory, "libonnxruntime_providers_cuda.so"), error.MissingLibraries);
        Assert.Contains("libonnxruntime_providers_cuda.so", error.Message);
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
        Assert.Contains("libonnxruntime_providers_tensorrt.so", error.Message);
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
        Assert.Contains("libonnxruntime_providers_tensorrt.so", selection.Rejected[0].Reason);
        Assert.Contains("libonnxruntime_providers_cuda.so", selection.Rejected[1].Reason);
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
        Assert.Contains("libonnxruntime_providers_cuda.so not found", statuses[1].Detail);
    }

    [Fact]
    public void ProviderLibraryThatFailsToLoadSurfacesOrtsError()
    {
        var folder = OrtLibrary.LibraryDirectory;
        string[] fakes = [Path.Combine(folder, "libonnxruntime_providers_shared.so"), Path.Combine(folder, "libonnxruntime_providers_cuda.so")];
        if (fakes.Any(File.Exists))
        {
            throw new InvalidOperationException($"Real provider libraries in {folder}; this test needs a CPU-only set-up.");
        }

        try
        {
            foreach (var fake in fakes)
            {
                File.WriteAllText(fake, "not a shared library");
            }

            var error = Assert.Throws<ExecutionProviderUnavailableException>(
                () => new OrtSession(TestModels.Add(), new OrtSessionOptions { ExecutionProvider = ExecutionProvider.Cuda }));
            Assert.Empty(error.MissingLibraries);
            var ortError = Assert.IsType<OrtException>(error.InnerException);
            Assert.Contains(ortError.OrtMessage, error.Message);
            Assert.Contains("libonnxruntime_providers", ortError.OrtMessage);
        }
        finally
        {
            foreach (var fake in fakes)
            {
                File.Delete(fake);
            }
        }
    }
}
