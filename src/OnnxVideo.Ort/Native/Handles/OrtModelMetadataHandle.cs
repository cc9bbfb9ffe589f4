namespace OnnxVideo.Ort.Native.Handles;

internal sealed unsafe class OrtModelMetadataHandle : OrtHandle
{
    public OrtModelMetadataHandle(nint handle, bool ownsHandle = true)
        : base(handle, ownsHandle)
    {
    }

    protected override bool ReleaseHandle()
    {
        OrtApi.ReleaseModelMetadata(handle);
        return true;
    }
}
