using OnnxVideo.Ort;

namespace OnnxVideo.Training.Sessions;

/// <summary>
/// Where a training session keeps parameters, optimizer state and running statistics: the memory of the device its
/// provider runs on (CUDA device memory for cuda/tensorrt, CPU memory for cpu), allocated through an allocator of the
/// training session for that memory info. Host access goes through explicit copies (<see cref="Upload"/>,
/// <see cref="Download"/>), which happen at open, checkpoint, export and parameter reads only.
/// </summary>
internal sealed class SessionDeviceMemory : IDisposable
{
    private readonly OrtAllocator? _allocator;
    private readonly DeviceTensorCopier _copier;

    /// <param name="hostArrays">Keep tensors in managed arrays as before device residency (reference path for tests).</param>
    public SessionDeviceMemory(OrtSession session, int deviceId, OrtSessionOptions copySessionOptions, bool hostArrays)
    {
        MemoryInfo = ForProvider(session.ExecutionProvider.Chosen, deviceId);
        try
        {
            _allocator = hostArrays ? null : session.CreateAllocator(MemoryInfo);
            _copier = new DeviceTensorCopier(copySessionOptions);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Host/device and device/device copies made so far.</summary>
    public long CopyCount => _copier.Count;

    /// <summary>The memory info parameters are allocated for.</summary>
    public OrtMemoryInfo MemoryInfo { get; }

    /// <summary>CUDA device memory of <paramref name="deviceId"/> for the GPU providers, CPU memory otherwise.</summary>
    public static OrtMemoryInfo ForProvider(ExecutionProvider provider, int deviceId) => provider switch
    {
        ExecutionProvider.Cuda or ExecutionProvider.TensorRt =>
            new OrtMemoryInfo(OrtMemoryInfo.CudaName, OrtAllocatorType.Arena, deviceId, OrtMemoryType.Default),
        _ => OrtMemoryInfo.Cpu,
    };

    /// <summary>A float tensor in the session's device memory (contents unspecified until written).</summary>
    public OrtValue Allocate(long[] shape) => _allocator is null
        ? OrtValue.CreateTensor(new float[ElementCount(shape)], shape)
        : OrtValue.AllocateTensor(TensorElementType.Float, shape, _allocator);

    /// <summary>Whether tensors allocated here live in host memory that <see cref="HostSpan"/> can reach.</summary>
    public bool IsHostMemory => _allocator is null || MemoryInfo.DeviceName == OrtMemoryInfo.CpuName;

    /// <summary>The elements of a host-memory tensor of this session in place (<see cref="IsHostMemory"/> only).</summary>
    public static Span<float> HostSpan(OrtValue value) => value.GetTensorSpan<float>();

    public void Upload(float[] source, OrtValue destination, long[] shape)
    {
        using var host = OrtValue.CreateTensor(source, shape);
        _copier.Copy(host, destination);
    }

    public float[] Download(OrtValue source, long[] shape)
    {
        var data = new float[ElementCount(shape)];
        using var host = OrtValue.CreateTensor(data, shape);
        _copier.Copy(source, host);
        return data;
    }

    public void Copy(OrtValue source, OrtValue destination) => _copier.Copy(source, destination);

    /// <summary>Releases the copy session and the allocator; every tensor allocated here must be disposed first.</summary>
    public void Dispose()
    {
        _copier?.Dispose();
        _allocator?.Dispose();
        MemoryInfo.Dispose();
    }

    private static int ElementCount(long[] shape) => checked((int)shape.Aggregate(1L, (a, b) => a * b));
}
