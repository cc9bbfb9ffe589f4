namespace OnnxVideo.Ort.Native.Handles;

internal sealed unsafe class OrtValueHandle : OrtHandle
{
    public OrtValueHandle(nint handle, bool ownsHandle = true)
        : base(handle, ownsHandle)
    {
    }

    protected override bool ReleaseHandle()
    {
        OrtApi.ReleaseValue(handle);
        return true;
    }
}
