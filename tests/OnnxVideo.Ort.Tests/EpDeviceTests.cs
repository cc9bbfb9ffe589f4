namespace OnnxVideo.Ort.Tests;

public sealed class EpDeviceTests
{
    [Fact]
    public void TheCpuPackageListsOneCpuDeviceAndRegistersNothing()
    {
        var listing = EpDevices.List();
        var cpu = Assert.Single(listing.Devices);
        Assert.Equal("CPUExecutionProvider", cpu.EpName);
        Assert.Equal(HardwareDeviceType.Cpu, cpu.DeviceType);
        Assert.Equal(ExecutionProvider.Cpu, cpu.Provider);
        Assert.False(string.IsNullOrEmpty(cpu.DeviceVendor));
        Assert.Empty(listing.Unregistered);
        Assert.False(listing.Has(ExecutionProvider.Cuda));
    }

    [Theory]
    [InlineData("Failed to load library /x/libonnxruntime_providers_cuda.so with error: libcublasLt.so.13: cannot open shared object file: No such file or directory", "libcublasLt.so.13", "CUDA 13")]
    [InlineData("Failed to load library /x/libonnxruntime_providers_cuda.so with error: libcudnn.so.9: cannot open shared object file: No such file or directory", "libcudnn.so.9", "cuDNN 9")]
    [InlineData("Failed to load library /x/libonnxruntime_providers_tensorrt.so with error: libnvinfer.so.10: cannot open shared object file: No such file or directory", "libnvinfer.so.10", "TensorRT 10")]
    [InlineData("Failed to load library /x/libonnxruntime_providers_cuda.so with error: libcuda.so.1: cannot open shared object file: No such file or directory", "libcuda.so.1", "the NVIDIA driver")]
    public void LoaderErrorsNameTheMissingLibraryAndWhatInstallsIt(string ortMessage, string library, string source)
    {
        Assert.Equal(library, ProviderLoadFailure.MissingDependency(ortMessage));
        var message = ProviderLoadFailure.Describe(ExecutionProvider.Cuda, ortMessage);
        Assert.StartsWith($"Cuda execution provider could not be loaded: {library} is missing; it comes with {source}", message);
        Assert.Contains(ortMessage, message);
    }

    [Fact]
    public void OtherLoadFailuresKeepOrtsMessage()
    {
        const string ortMessage = "Failed to load library /x/libonnxruntime_providers_cuda.so with error: /x/libonnxruntime_providers_cuda.so: invalid ELF header";
        Assert.Null(ProviderLoadFailure.MissingDependency(ortMessage));
        Assert.Equal($"Cuda execution provider could not be loaded by ONNX Runtime: {ortMessage}", ProviderLoadFailure.Describe(ExecutionProvider.Cuda, ortMessage));
    }
}
