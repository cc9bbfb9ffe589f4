using System.Diagnostics;
using System.Globalization;

namespace OnnxVideo.Media.Ffmpeg;

/// <summary>
/// The start information of one ffmpeg/ffprobe child. With an address-space limit (Linux), the tool is started through
/// <c>prlimit --as=N -- tool args…</c> when util-linux is installed, else <c>/bin/sh -c 'ulimit -v K; exec "$0" "$@"'
/// tool args…</c>; either way the tool's arguments stay a list and are never built into a command string.
/// </summary>
internal static class ToolCommand
{
    private const string ShellPath = "/bin/sh";
    private static readonly Lazy<string?> Prlimit = new(() => FindExecutable("prlimit"));

    public static ProcessStartInfo Create(string tool, IReadOnlyList<string> arguments, long addressSpaceBytes,
        string inputPath) => Create(tool, arguments, addressSpaceBytes, inputPath, Prlimit.Value);

    /// <summary>As <see cref="Create(string, IReadOnlyList{string}, long, string)"/>, with the prlimit found (null:
    /// the shell's ulimit).</summary>
    internal static ProcessStartInfo Create(string tool, IReadOnlyList<string> arguments, long addressSpaceBytes,
        string inputPath, string? prlimitPath)
    {
        var start = new ProcessStartInfo
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
        };
        if (!IsLimited(addressSpaceBytes) || !(prlimitPath is not null || File.Exists(ShellPath)))
        {
            start.FileName = tool;
        }
        else
        {
            // The tool is resolved here: behind a wrapper a missing tool would be the wrapper's exit code, not ours.
            var resolved = FindExecutable(tool) ?? throw new VideoInputException(inputPath, VideoInputError.ToolMissing,
                $"cannot start '{tool}': not found or not executable");
            if (prlimitPath is { } prlimit)
            {
                start.FileName = prlimit;
                start.ArgumentList.Add("--as=" + addressSpaceBytes.ToString(CultureInfo.InvariantCulture));
                start.ArgumentList.Add("--");
            }
            else
            {
                var kib = Math.Max(1, addressSpaceBytes / 1024).ToString(CultureInfo.InvariantCulture);
                start.FileName = ShellPath;
                start.ArgumentList.Add("-c");
                start.ArgumentList.Add($"ulimit -v {kib} && exec \"$0\" \"$@\"");
            }
            start.ArgumentList.Add(resolved);
        }
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        return start;
    }

    public static bool IsLimited(long addressSpaceBytes) => addressSpaceBytes > 0 && OperatingSystem.IsLinux();

    /// <summary>Whether a failed run looks like the tool hit its address-space limit: an allocation error in its
    /// output, a shared library it could not map, or an abort.</summary>
    public static bool LooksOutOfMemory(int exitCode, string stderr)
    {
        string[] signs =
        [
            "Cannot allocate memory", "out of memory", "failed to map segment", "Error allocating", "bad_alloc",
            "memory allocation failed",
        ];
        return exitCode == 134 || signs.Any(s => stderr.Contains(s, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Full path of <paramref name="tool"/> (a path, or a name looked up on PATH) when it is an executable file.</summary>
    internal static string? FindExecutable(string tool)
    {
        if (tool.Contains('/'))
        {
            return IsExecutable(tool) ? Path.GetFullPath(tool) : null;
        }
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, tool))
            .FirstOrDefault(IsExecutable);
    }

    private static bool IsExecutable(string file)
    {
        if (!File.Exists(file))
        {
            return false;
        }
        if (OperatingSystem.IsWindows())
        {
            return true;
        }
        const UnixFileMode anyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        return (File.GetUnixFileMode(file) & anyExecute) != 0;
    }
}
