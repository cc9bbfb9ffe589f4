namespace OnnxVideo.Ort.Native.Handles;

internal sealed unsafe class OrtSessionHandle : OrtHandle
{
    public OrtSessionHandle(nint handle, bool ownsHandle = true)
        : base(handle, ownsHandle)
    {
    }

    protected override bool ReleaseHandle()
    {
        OrtApi.ReleaseSession(handle);
        return true;
    }
}
