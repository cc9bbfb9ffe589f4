using System.Runtime.InteropServices;

namespace OnnxVideo.Ort.Native;

/// <summary>
/// Sets variables in the native process environment, which ORT reads with getenv: on Unix .NET keeps its own copy,
/// so <see cref="Environment.SetEnvironmentVariable(string, string)"/> is not seen by native code.
/// </summary>
internal static partial class ProcessEnvironment
{
    /// <summary>Sets <paramref name="name"/> unless the process already has it.</summary>
    public static void SetDefault(string name, string value)
    {
        if (Environment.GetEnvironmentVariable(name) is not null)
        {
            return;
        }

        if (OperatingSystem.IsWindows())
        {
            Environment.SetEnvironmentVariable(name, value);
        }
        else if (OperatingSystem.IsMacOS())
        {
            CheckErrno(SetEnvMac(name, value, 0), name);
        }
        else
        {
            CheckErrno(SetEnvLinux(name, value, 0), name);
        }
    }

    private static void CheckErrno(int result, string name)
    {
        if (result != 0)
        {
            throw new InvalidOperationException($"setenv({name}) failed with errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    [LibraryImport("libc.so.6", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int SetEnvLinux(string name, string value, int overwrite);

    [LibraryImport("libSystem.dylib", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int SetEnvMac(string name, string value, int overwrite);
}
