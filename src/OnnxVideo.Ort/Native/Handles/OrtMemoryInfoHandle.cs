namespace OnnxVideo.Ort.Native.Handles;

internal sealed unsafe class OrtMemoryInfoHandle : OrtHandle
{
    public OrtMemoryInfoHandle(nint handle, bool ownsHandle = true)
        : base(handle, ownsHandle)
    {
    }

    protected override bool ReleaseHandle()
    {
        OrtApi.ReleaseMemoryInfo(handle);
        return true;
    }
}
