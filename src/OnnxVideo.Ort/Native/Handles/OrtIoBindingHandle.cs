namespace OnnxVideo.Ort.Native.Handles;

internal sealed unsafe class OrtIoBindingHandle : OrtHandle
{
    public OrtIoBindingHandle(nint handle, bool ownsHandle = true)
        : base(handle, ownsHandle)
    {
    }

    protected override bool ReleaseHandle()
    {
        OrtApi.ReleaseIoBinding(handle);
        return true;
    }
}
