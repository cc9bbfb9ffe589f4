namespace OnnxVideo.Ort.Native.Handles;

internal sealed unsafe class OrtSessionOptionsHandle : OrtHandle
{
    public OrtSessionOptionsHandle(nint handle, bool ownsHandle = true)
        : base(handle, ownsHandle)
    {
    }

    protected override bool ReleaseHandle()
    {
        OrtApi.ReleaseSessionOptions(handle);
        return true;
    }
}
