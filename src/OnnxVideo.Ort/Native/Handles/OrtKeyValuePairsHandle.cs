namespace OnnxVideo.Ort.Native.Handles;

internal sealed class OrtKeyValuePairsHandle : OrtHandle
{
    public OrtKeyValuePairsHandle(nint handle)
        : base(handle, ownsHandle: true)
    {
    }

    protected override unsafe bool ReleaseHandle()
    {
        OrtApi.ReleaseKeyValuePairs(handle);
        return true;
    }
}
