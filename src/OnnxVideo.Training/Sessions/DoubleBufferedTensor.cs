using OnnxVideo.Ort;

namespace OnnxVideo.Training.Sessions;

/// <summary>
/// A parameter or optimizer-state tensor held in two buffers in the session's device memory that ORT reads and writes
/// in place. With the session's parity p, a step reads buffer p and writes buffer 1−p; flipping the parity makes the
/// written one current. A skipped step simply does not flip, so the values before it stay intact without any copy.
/// </summary>
internal sealed class DoubleBufferedTensor : IDisposable
{
    private readonly OrtValue[] _values;

    /// <param name="inPlace">One buffer for both parities: the graphs update it in place and leave it as it was on a
    /// step the session discards (a guarded optimizer state).</param>
    public DoubleBufferedTensor(string name, string updatedName, long[] shape, SessionDeviceMemory memory, bool inPlace = false)
    {
        Name = name;
        UpdatedName = updatedName;
        Shape = shape;
        Length = checked((int)shape.Aggregate(1L, (a, b) => a * b));
        var first = memory.Allocate(shape);
        _values = [first, inPlace ? first : memory.Allocate(shape)];
    }

    public string Name { get; }
    public string UpdatedName { get; }
    public long[] Shape { get; }
    public int Length { get; }

    public OrtValue ValueAt(int parity) => _values[parity];

    public void Dispose()
    {
        foreach (var value in _values.Distinct())
        {
            value.Dispose();
        }
    }
}
