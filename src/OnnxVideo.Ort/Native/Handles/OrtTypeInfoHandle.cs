namespace OnnxVideo.Ort.Native.Handles;

internal sealed unsafe class OrtTypeInfoHandle : OrtHandle
{
    public OrtTypeInfoHandle(nint handle, bool ownsHandle = true)
        : base(handle, ownsHandle)
    {
    }

    protected override bool ReleaseHandle()
    {
        OrtApi.ReleaseTypeInfo(handle);
        return true;
    }
}
