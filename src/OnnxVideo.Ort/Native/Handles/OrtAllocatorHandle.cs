namespace OnnxVideo.Ort.Native.Handles;

internal sealed unsafe class OrtAllocatorHandle : OrtHandle
{
    public OrtAllocatorHandle(nint handle, bool ownsHandle = true)
        : base(handle, ownsHandle)
    {
    }

    protected override bool ReleaseHandle()
    {
        OrtApi.ReleaseAllocator(handle);
        return true;
    }
}
