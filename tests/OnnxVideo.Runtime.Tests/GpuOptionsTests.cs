using OnnxVideo.Ort;

namespace OnnxVideo.Runtime.Tests;

/// <summary>CUDA/TensorRT settings of VideoClassifierOptions: checked up front, and handed to the session on the chosen GPU.</summary>
public sealed class GpuOptionsTests
{
    private static ArgumentException Rejected(VideoClassifierOptions options)
    {
        options.ModelPath = "model.onnx";
        return Assert.Throws<ArgumentException>(() => new VideoClassifier(options));
    }

    [Fact]
    public void CudaGraphsAreRefusedWithTheReason()
    {
        var error = Rejected(new VideoClassifierOptions { Device = InferenceDevice.Cuda, Cuda = new CudaProviderOptions { EnableCudaGraph = true } });
        Assert.Contains("CUDA graphs cannot be used by VideoClassifier", error.Message);
        Assert.Contains("fixed device addresses", error.Message);
    }

    [Fact]
    public void BadGpuSettingsAreRefusedNamingTheSetting()
    {
        Assert.Contains("DeviceId", Rejected(new VideoClassifierOptions { DeviceId = -1 }).Message);
        Assert.Contains("GpuMemoryLimit", Rejected(new VideoClassifierOptions { Cuda = new CudaProviderOptions { GpuMemoryLimit = 0 } }).Message);
        Assert.Contains("EngineCachePath", Rejected(new VideoClassifierOptions { TensorRt = new TensorRtProviderOptions { EngineCacheEnabled = true } }).Message);
        Assert.Contains("TensorRtMinBatch", Rejected(new VideoClassifierOptions { MaxBatchSize = 4, TensorRtMinBatch = 5 }).Message);
        Assert.Contains("TensorRtOptBatch", Rejected(new VideoClassifierOptions { MaxBatchSize = 4, TensorRtMinBatch = 2, TensorRtOptBatch = 1 }).Message);
    }

    [Fact]
    public void SessionGetsTheGpuSettingsOnTheRequestedDevice()
    {
        var options = new VideoClassifierOptions
        {
            Device = InferenceDevice.Cuda,
            DeviceId = 3,
            Cuda = new CudaProviderOptions { DeviceId = 0, GpuMemoryLimit = 1L << 30, ConvAlgorithmSearch = CudnnConvAlgorithmSearch.Heuristic },
            TensorRt = new TensorRtProviderOptions { Fp16 = true, MaxWorkspaceSize = 1L << 28 },
        };
        var session = OrtClipBatchRunner.SessionOptions("model.onnx", options);
        Assert.Equal(ExecutionProvider.Cuda, session.ExecutionProvider);
        Assert.Equal(options.Cuda with { DeviceId = 3 }, session.Cuda);
        Assert.Equal(options.TensorRt with { DeviceId = 3 }, session.TensorRt);
    }
}
