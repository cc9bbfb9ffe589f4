using OnnxVideo.Ort.Native;
using OnnxVideo.Ort.Native.Handles;

namespace OnnxVideo.Ort;

/// <summary>An ORT allocator: the default CPU allocator, or one a session created for a memory location.</summary>
public sealed unsafe class OrtAllocator : IDisposable
{
    private static readonly Lazy<OrtAllocator> DefaultInstance = new(CreateDefault);

    private readonly OrtAllocatorHandle handle;
    private readonly bool processWide;

    private OrtAllocator(OrtAllocatorHandle handle, bool processWide)
    {
        this.handle = handle;
        this.processWide = processWide;
    }

    /// <summary>ORT's default CPU allocator; owned by ORT, never released.</summary>
    public static OrtAllocator Default => DefaultInstance.Value;

    /// <summary>Where this allocator's memory lives (owned by the allocator).</summary>
    public OrtMemoryInfo MemoryInfo
    {
        get
        {
            nint info;
            OrtStatus.Check(OrtApi.AllocatorGetInfo(Pointer, &info), "AllocatorGetInfo");
            return OrtMemoryInfo.Borrowed(info);
        }
    }

    internal nint Pointer => handle.Pointer;

    /// <summary>Allocates <paramref name="byteCount"/> bytes; release them with <see cref="Free"/>.</summary>
    public nint Allocate(nuint byteCount)
    {
        void* memory;
        OrtStatus.Check(OrtApi.AllocatorAlloc(Pointer, byteCount, &memory), "AllocatorAlloc");
        return (nint)memory;
    }

    /// <summary>
    /// The allocator's statistics as ORT reports them (an arena's "InUse", "TotalAllocated", "MaxInUse", "NumAllocs",
    /// "NumArenaExtensions", "MaxAllocSize", … in bytes or counts); empty when the allocator keeps none.
    /// </summary>
    internal IReadOnlyDictionary<string, string> GetStatistics()
    {
        nint pairs;
        OrtStatus.Check(OrtApi.AllocatorGetStats(Pointer, &pairs), "AllocatorGetStats");
        using var owned = new OrtKeyValuePairsHandle(pairs);
        return EpDevices.ReadPairs(pairs);
    }

    public void Free(nint memory)
    {
        if (memory != 0)
        {
            OrtStatus.Check(OrtApi.AllocatorFree(Pointer, (void*)memory), "AllocatorFree");
        }
    }

    public void Dispose()
    {
        if (!processWide)
        {
            handle.Dispose();
        }
    }

    internal static OrtAllocator Owned(nint allocator) => new(new OrtAllocatorHandle(allocator), processWide: false);

    /// <summary>Reads an ORT-allocated UTF-8 string and frees it with this allocator.</summary>
    internal string TakeString(byte* text)
    {
        if (text == null)
        {
            return string.Empty;
        }

        try
        {
            return Utf8.ToString(text);
        }
        finally
        {
            Free((nint)text);
        }
    }

    private static OrtAllocator CreateDefault()
    {
        OrtLibrary.Load();
        nint allocator;
        OrtStatus.Check(OrtApi.GetAllocatorWithDefaultOptions(&allocator), "GetAllocatorWithDefaultOptions");
        return new OrtAllocator(new OrtAllocatorHandle(allocator, ownsHandle: false), processWide: true);
    }
}
