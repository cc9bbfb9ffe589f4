using System.Text.RegularExpressions;

namespace OnnxVideo.Onnx;

/// <summary>Writes a file so that readers see either the old or the complete new content, even after a crash.</summary>
internal static partial class AtomicFile
{
    public static void Write(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        var temp = full + $".tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        var copy = bytes.ToArray();
        Write(path, s => s.Write(copy));
    }

    /// <summary>Whether <paramref name="fileName"/> is a temporary file of <see cref="Write"/> (left behind only by a killed process).</summary>
    internal static bool IsTemporaryName(string fileName) => TemporaryName().IsMatch(fileName);

    [GeneratedRegex("^.+\\.tmp-[0-9]+-[0-9a-f]{32}$")]
    private static partial Regex TemporaryName();
}
