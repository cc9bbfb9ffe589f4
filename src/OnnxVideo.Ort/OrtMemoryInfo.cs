using OnnxVideo.Ort.Native;
using OnnxVideo.Ort.Native.Handles;

namespace OnnxVideo.Ort;

/// <summary>A memory location (device name, device id, allocator and memory type), ORT's <c>OrtMemoryInfo</c>.</summary>
public sealed unsafe class OrtMemoryInfo : IDisposable
{
    /// <summary>Device name of CPU memory.</summary>
    public const string CpuName = "Cpu";

    /// <summary>Device name of CUDA device memory.</summary>
    public const string CudaName = "Cuda";

    /// <summary>Device name of CUDA page-locked host memory.</summary>
    public const string CudaPinnedName = "CudaPinned";

    private static readonly Lazy<OrtMemoryInfo> CpuInstance = new(CreateCpu);

    private readonly OrtMemoryInfoHandle handle;
    private readonly bool processWide;

    /// <summary>Describes memory on <paramref name="deviceName"/> (<see cref="CpuName"/>, <see cref="CudaName"/>, …).</summary>
    public OrtMemoryInfo(string deviceName, OrtAllocatorType allocatorType, int deviceId, OrtMemoryType memoryType)
    {
        OrtLibrary.Load();
        nint info;
        var name = Utf8.NullTerminated(deviceName);
        fixed (byte* namePtr = name)
        {
            OrtStatus.Check(OrtApi.CreateMemoryInfo(namePtr, (int)allocatorType, deviceId, (int)memoryType, &info), "CreateMemoryInfo");
        }

        handle = new OrtMemoryInfoHandle(info);
    }

    private OrtMemoryInfo(OrtMemoryInfoHandle handle, bool processWide)
    {
        this.handle = handle;
        this.processWide = processWide;
    }

    /// <summary>CPU memory (arena allocator, default memory type); shared, never released.</summary>
    public static OrtMemoryInfo Cpu => CpuInstance.Value;

    public string DeviceName
    {
        get
        {
            byte* name;
            OrtStatus.Check(OrtApi.MemoryInfoGetName(Pointer, &name), "MemoryInfoGetName");
            return Utf8.ToString(name);
        }
    }

    public int DeviceId
    {
        get
        {
            int id;
            OrtStatus.Check(OrtApi.MemoryInfoGetId(Pointer, &id), "MemoryInfoGetId");
            return id;
        }
    }

    public OrtMemoryType MemoryType
    {
        get
        {
            int type;
            OrtStatus.Check(OrtApi.MemoryInfoGetMemType(Pointer, &type), "MemoryInfoGetMemType");
            return (OrtMemoryType)type;
        }
    }

    public OrtAllocatorType AllocatorType
    {
        get
        {
            int type;
            OrtStatus.Check(OrtApi.MemoryInfoGetType(Pointer, &type), "MemoryInfoGetType");
            return (OrtAllocatorType)type;
        }
    }

    internal nint Pointer => handle.Pointer;

    /// <summary>Wraps memory info owned by another ORT object (an allocator, a tensor); not released by us.</summary>
    internal static OrtMemoryInfo Borrowed(nint info) => new(new OrtMemoryInfoHandle(info, ownsHandle: false), processWide: false);

    public void Dispose()
    {
        if (!processWide)
        {
            handle.Dispose();
        }
    }

    public override string ToString() => $"{DeviceName}:{DeviceId} ({AllocatorType}, {MemoryType})";

    private static OrtMemoryInfo CreateCpu()
    {
        OrtLibrary.Load();
        nint info;
        OrtStatus.Check(OrtApi.CreateCpuMemoryInfo((int)OrtAllocatorType.Arena, (int)OrtMemoryType.Default, &info), "CreateCpuMemoryInfo");
        return new OrtMemoryInfo(new OrtMemoryInfoHandle(info), processWide: true);
    }
}
