using System.Collections.Concurrent;

namespace OnnxVideo.Runtime;

/// <summary>
/// Reuses float buffers of exactly one clip's size, so steady-state classification allocates no clip tensors.
/// Keeps at most <c>maxRetained</c> buffers; extra ones are left to the GC.
/// </summary>
internal sealed class ClipBufferPool(int clipElements, int maxRetained)
{
    private readonly ConcurrentBag<float[]> _free = [];
    private int _retained;

    public int ClipElements { get; } = clipElements;

    public float[] Rent()
    {
        if (_free.TryTake(out var buffer))
        {
            Interlocked.Decrement(ref _retained);
            return buffer;
        }
        return GC.AllocateUninitializedArray<float>(ClipElements);
    }

    public void Return(float[] buffer)
    {
        if (buffer.Length != ClipElements)
        {
            return;
        }
        if (Interlocked.Increment(ref _retained) <= maxRetained)
        {
            _free.Add(buffer);
        }
        else
        {
            Interlocked.Decrement(ref _retained);
        }
    }
}
