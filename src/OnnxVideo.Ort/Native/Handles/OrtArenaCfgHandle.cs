namespace OnnxVideo.Ort.Native.Handles;

internal sealed class OrtArenaCfgHandle : OrtHandle
{
    public OrtArenaCfgHandle(nint handle)
        : base(handle, ownsHandle: true)
    {
    }

    protected override unsafe bool ReleaseHandle()
    {
        OrtApi.ReleaseArenaCfg(handle);
        return true;
    }
}
