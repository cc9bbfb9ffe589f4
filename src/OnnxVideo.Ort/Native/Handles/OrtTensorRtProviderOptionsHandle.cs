namespace OnnxVideo.Ort.Native.Handles;

internal sealed unsafe class OrtTensorRtProviderOptionsHandle : OrtHandle
{
    public OrtTensorRtProviderOptionsHandle(nint handle, bool ownsHandle = true)
        : base(handle, ownsHandle)
    {
    }

    protected override bool ReleaseHandle()
    {
        OrtApi.ReleaseTensorRTProviderOptions(handle);
        return true;
    }
}
