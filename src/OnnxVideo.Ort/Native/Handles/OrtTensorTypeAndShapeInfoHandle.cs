namespace OnnxVideo.Ort.Native.Handles;

internal sealed unsafe class OrtTensorTypeAndShapeInfoHandle : OrtHandle
{
    public OrtTensorTypeAndShapeInfoHandle(nint handle, bool ownsHandle = true)
        : base(handle, ownsHandle)
    {
    }

    protected override bool ReleaseHandle()
    {
        OrtApi.ReleaseTensorTypeAndShapeInfo(handle);
        return true;
    }
}
