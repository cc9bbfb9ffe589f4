using System.Runtime.InteropServices;
using System.Text;

namespace OnnxVideo.Ort.Native;

/// <summary>UTF-8 string helpers for the C API (ORT takes and returns <c>char*</c> in UTF-8 on Linux).</summary>
internal static unsafe class Utf8
{
    public static string ToString(byte* text) =>
        text == null ? string.Empty : Marshal.PtrToStringUTF8((nint)text) ?? string.Empty;

    /// <summary>A null-terminated UTF-8 copy, for names kept for the lifetime of their owner.</summary>
    public static byte[] NullTerminated(string text)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(text) + 1];
        Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }

    /// <summary>
    /// A null-terminated UTF-8 copy in <paramref name="buffer"/> when it fits, else in a new array.
    /// Lets hot paths marshal short names on the stack.
    /// </summary>
    public static Span<byte> Encode(string text, Span<byte> buffer)
    {
        var needed = Encoding.UTF8.GetMaxByteCount(text.Length) + 1;
        if (needed > buffer.Length)
        {
            needed = Encoding.UTF8.GetByteCount(text) + 1;
            if (needed > buffer.Length)
            {
                buffer = new byte[needed];
            }
        }

        var written = Encoding.UTF8.GetBytes(text, buffer);
        buffer[written] = 0;
        return buffer[..(written + 1)];
    }
}
