namespace OnnxVideo.Ort.Native.Handles;

internal sealed unsafe class OrtCudaProviderOptionsHandle : OrtHandle
{
    public OrtCudaProviderOptionsHandle(nint handle, bool ownsHandle = true)
        : base(handle, ownsHandle)
    {
    }

    protected override bool ReleaseHandle()
    {
        OrtApi.ReleaseCUDAProviderOptions(handle);
        return true;
    }
}
