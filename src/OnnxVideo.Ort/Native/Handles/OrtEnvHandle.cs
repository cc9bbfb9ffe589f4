namespace OnnxVideo.Ort.Native.Handles;

internal sealed unsafe class OrtEnvHandle : OrtHandle
{
    public OrtEnvHandle(nint handle, bool ownsHandle = true)
        : base(handle, ownsHandle)
    {
    }

    protected override bool ReleaseHandle()
    {
        OrtApi.ReleaseEnv(handle);
        return true;
    }
}
