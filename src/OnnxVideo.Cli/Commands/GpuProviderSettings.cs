using OnnxVideo.Ort;

namespace OnnxVideo.Cli.Commands;

/// <summary>What the GPU provider flags asked for (<see cref="GpuProviderFlags"/>).</summary>
internal sealed record GpuProviderSettings(
    int DeviceId,
    CudaProviderOptions Cuda,
    TensorRtProviderOptions TensorRt,
    int? TensorRtMinBatch,
    int? TensorRtOptBatch)
{
    public static GpuProviderSettings Default { get; } = new(0, new CudaProviderOptions(), new TensorRtProviderOptions(), null, null);
}
