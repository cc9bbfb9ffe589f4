namespace OnnxVideo.Ort.Native;

/// <summary>
/// The ONNX Runtime C API function table (<c>OrtApi</c>, version 30) as unmanaged function pointers.
/// Slot numbers are the member positions in <c>struct OrtApi</c> of <c>onnxruntime_c_api.h</c>; the table only grows
/// at its end, so the positions used here hold for every ORT release that serves API version 30.
/// Handles are passed as <see cref="nint"/>, strings as UTF-8 <c>byte*</c>, every <c>OrtStatus*</c> as <see cref="nint"/>.
/// </summary>
internal static unsafe partial class OrtApi
{
    // An explicit static constructor makes initialisation precise (no beforefieldinit): the table is read on the
    // first call into ORT, after the caller had the chance to choose the library with OrtLibrary.Load. Public entry
    // points call OrtLibrary.Load first, so a missing library surfaces as OrtLibraryLoadException rather than as a
    // TypeInitializationException from here.
    static OrtApi()
    {
    }

    private static nint Slot(int index) => OrtLibrary.ApiSlot(index);

    public static readonly delegate* unmanaged<int, byte*, nint> CreateStatus = (delegate* unmanaged<int, byte*, nint>)Slot(0);
    public static readonly delegate* unmanaged<nint, int> GetErrorCode = (delegate* unmanaged<nint, int>)Slot(1);
    public static readonly delegate* unmanaged<nint, byte*> GetErrorMessage = (delegate* unmanaged<nint, byte*>)Slot(2);
    public static readonly delegate* unmanaged<nint, void> ReleaseStatus = (delegate* unmanaged<nint, void>)Slot(93);

    public static readonly delegate* unmanaged<int, byte*, nint*, nint> CreateEnv = (delegate* unmanaged<int, byte*, nint*, nint>)Slot(3);
    public static readonly delegate* unmanaged<nint, void> ReleaseEnv = (delegate* unmanaged<nint, void>)Slot(92);

    public static readonly delegate* unmanaged<byte***, int*, nint> GetAvailableProviders = (delegate* unmanaged<byte***, int*, nint>)Slot(125);
    public static readonly delegate* unmanaged<byte**, int, nint> ReleaseAvailableProviders = (delegate* unmanaged<byte**, int, nint>)Slot(126);
    public static readonly delegate* unmanaged<byte*> GetBuildInfoString = (delegate* unmanaged<byte*>)Slot(254);

    // Memory info and allocators.
    public static readonly delegate* unmanaged<byte*, int, int, int, nint*, nint> CreateMemoryInfo = (delegate* unmanaged<byte*, int, int, int, nint*, nint>)Slot(68);
    public static readonly delegate* unmanaged<int, int, nint*, nint> CreateCpuMemoryInfo = (delegate* unmanaged<int, int, nint*, nint>)Slot(69);
    public static readonly delegate* unmanaged<nint, byte**, nint> MemoryInfoGetName = (delegate* unmanaged<nint, byte**, nint>)Slot(71);
    public static readonly delegate* unmanaged<nint, int*, nint> MemoryInfoGetId = (delegate* unmanaged<nint, int*, nint>)Slot(72);
    public static readonly delegate* unmanaged<nint, int*, nint> MemoryInfoGetMemType = (delegate* unmanaged<nint, int*, nint>)Slot(73);
    public static readonly delegate* unmanaged<nint, int*, nint> MemoryInfoGetType = (delegate* unmanaged<nint, int*, nint>)Slot(74);
    public static readonly delegate* unmanaged<nint, void> ReleaseMemoryInfo = (delegate* unmanaged<nint, void>)Slot(94);
    public static readonly delegate* unmanaged<nint, nuint, void**, nint> AllocatorAlloc = (delegate* unmanaged<nint, nuint, void**, nint>)Slot(75);
    public static readonly delegate* unmanaged<nint, void*, nint> AllocatorFree = (delegate* unmanaged<nint, void*, nint>)Slot(76);
    public static readonly delegate* unmanaged<nint, nint*, nint> AllocatorGetInfo = (delegate* unmanaged<nint, nint*, nint>)Slot(77);
    public static readonly delegate* unmanaged<nint*, nint> GetAllocatorWithDefaultOptions = (delegate* unmanaged<nint*, nint>)Slot(78);
    public static readonly delegate* unmanaged<nint, nint, nint*, nint> CreateAllocator = (delegate* unmanaged<nint, nint, nint*, nint>)Slot(131);
    public static readonly delegate* unmanaged<nint, void> ReleaseAllocator = (delegate* unmanaged<nint, void>)Slot(132);
    public static readonly delegate* unmanaged<byte**, nuint*, nuint, nint*, nint> CreateArenaCfgV2 = (delegate* unmanaged<byte**, nuint*, nuint, nint*, nint>)Slot(164);
    public static readonly delegate* unmanaged<nint, void> ReleaseArenaCfg = (delegate* unmanaged<nint, void>)Slot(157);
    public static readonly delegate* unmanaged<nint, nint, nint, nint> CreateAndRegisterAllocator = (delegate* unmanaged<nint, nint, nint, nint>)Slot(144);
    public static readonly delegate* unmanaged<nint, nint*, nint> AllocatorGetStats = (delegate* unmanaged<nint, nint*, nint>)Slot(319);
    public static readonly delegate* unmanaged<nint, void> ReleaseKeyValuePairs = (delegate* unmanaged<nint, void>)Slot(300);

    // Run options.
    public static readonly delegate* unmanaged<nint*, nint> CreateRunOptions = (delegate* unmanaged<nint*, nint>)Slot(39);
    public static readonly delegate* unmanaged<nint, int, nint> RunOptionsSetRunLogSeverityLevel = (delegate* unmanaged<nint, int, nint>)Slot(41);
    public static readonly delegate* unmanaged<nint, byte*, nint> RunOptionsSetRunTag = (delegate* unmanaged<nint, byte*, nint>)Slot(42);
    public static readonly delegate* unmanaged<nint, nint> RunOptionsSetTerminate = (delegate* unmanaged<nint, nint>)Slot(46);
    public static readonly delegate* unmanaged<nint, nint> RunOptionsUnsetTerminate = (delegate* unmanaged<nint, nint>)Slot(47);
    public static readonly delegate* unmanaged<nint, byte*, byte*, nint> AddRunConfigEntry = (delegate* unmanaged<nint, byte*, byte*, nint>)Slot(165);
    public static readonly delegate* unmanaged<nint, void> ReleaseRunOptions = (delegate* unmanaged<nint, void>)Slot(97);
}
