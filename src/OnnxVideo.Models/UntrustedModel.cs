using OnnxVideo.Onnx;

namespace OnnxVideo.Models;

/// <summary>
/// Runs work over a model read from a file. The protobuf lets any field be missing or inconsistent, so a failure of the
/// work's own invariants (a missing key, an index or size out of range) is a problem of that file: it becomes an
/// <see cref="OnnxFormatException"/> naming it, instead of a bare runtime message or a stack trace.
/// </summary>
internal static class UntrustedModel
{
    public static T Process<T>(string modelPath, string action, Func<T> work)
    {
        try
        {
            return work();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or KeyNotFoundException or IndexOutOfRangeException
                                      or OverflowException or NotSupportedException or InvalidDataException or NullReferenceException
                                      or FormatException)
        {
            throw new OnnxFormatException(modelPath, $"cannot {action}: {e.Message}", e);
        }
    }
}
