using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace OnnxVideo.Onnx.Files;

/// <summary>
/// The file type and canonical path of a path, from the C library (statx and realpath), without opening the file:
/// .NET reports a FIFO or a device as an ordinary file, and opening a FIFO blocks until a writer appears.
/// </summary>
internal static partial class NativeFileStatus
{
    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1;
    private const int StatxBufferSize = 256;
    private const int ModeOffset = 28;
    private const int TypeMask = 0xF000;
    private const int RegularType = 0x8000;
    private const int DirectoryType = 0x4000;

    [DllImport("libc", SetLastError = true, EntryPoint = "statx", CharSet = CharSet.Ansi, BestFitMapping = false)]
    private static extern int Statx(int directoryFd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask,
        [Out] byte[] buffer);

    [DllImport("libc", SetLastError = true, EntryPoint = "realpath", CharSet = CharSet.Ansi, BestFitMapping = false)]
    private static extern IntPtr RealPath([MarshalAs(UnmanagedType.LPUTF8Str)] string path, IntPtr resolved);

    [DllImport("libc", EntryPoint = "free")]
    private static extern void Free(IntPtr pointer);

    /// <summary>The kind of what <paramref name="path"/> names after following links (statx on Linux).</summary>
    public static FileKind KindOf(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return ManagedKindOf(path);
        }
        var buffer = new byte[StatxBufferSize];
        try
        {
            if (Statx(AtFdCwd, path, 0, StatxType, buffer) != 0)
            {
                return FileKind.Missing;
            }
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return ManagedKindOf(path); // a C library without statx (glibc < 2.28, musl < 1.2.5)
        }
        return (BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(ModeOffset)) & TypeMask) switch
        {
            RegularType => FileKind.RegularFile,
            DirectoryType => FileKind.Directory,
            _ => FileKind.Special,
        };
    }

    /// <summary>The absolute path with every link and ".." resolved, or null when it does not exist.</summary>
    public static string? Canonical(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return ManagedCanonical(path);
        }
        IntPtr resolved;
        try
        {
            resolved = RealPath(path, IntPtr.Zero);
        }
        catch (DllNotFoundException)
        {
            return ManagedCanonical(path);
        }
        if (resolved == IntPtr.Zero)
        {
            return null;
        }
        try
        {
            return Marshal.PtrToStringUTF8(resolved);
        }
        finally
        {
            Free(resolved);
        }
    }

    private static string? ManagedCanonical(string path)
    {
        var info = new FileInfo(path);
        return info.Exists || Directory.Exists(path) ? (info.ResolveLinkTarget(returnFinalTarget: true) ?? info).FullName : null;
    }

    private static FileKind ManagedKindOf(string path)
    {
        if (Directory.Exists(path))
        {
            return FileKind.Directory;
        }
        return File.Exists(path) ? FileKind.RegularFile : FileKind.Missing;
    }
}
