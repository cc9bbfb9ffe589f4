namespace OnnxVideo.Ort.Native.Handles;

internal sealed unsafe class OrtRunOptionsHandle : OrtHandle
{
    public OrtRunOptionsHandle(nint handle, bool ownsHandle = true)
        : base(handle, ownsHandle)
    {
    }

    protected override bool ReleaseHandle()
    {
        OrtApi.ReleaseRunOptions(handle);
        return true;
    }
}
