using System.Runtime.InteropServices;

namespace OnnxVideo.Ort.Native.Handles;

/// <summary>Base of the per-native-type SafeHandles: zero is invalid, release happens exactly once.</summary>
internal abstract class OrtHandle : SafeHandle
{
    protected OrtHandle(nint handle, bool ownsHandle)
        : base(0, ownsHandle)
    {
        SetHandle(handle);
    }

    public override bool IsInvalid => handle == 0;

    /// <summary>The raw pointer; throws when the handle was disposed.</summary>
    public nint Pointer
    {
        get
        {
            ObjectDisposedException.ThrowIf(IsClosed, this);
            return handle;
        }
    }
}
