using System.Diagnostics;

namespace OnnxVideo.Testing;

/// <summary>Makes files whose names are not valid UTF-8, which .NET itself cannot create (it encodes every path as
/// UTF-8), with /bin/sh's printf.</summary>
public static class NonUtf8Names
{
    /// <summary>printf's spelling of the bytes <c>latin1_\xe9\xff</c>: é in Latin-1, then a byte never valid in UTF-8.</summary>
    private const string Latin1Printf = @"latin1_\351\377";

    /// <summary>Copies <paramref name="source"/> into <paramref name="folder"/> as <c>latin1_\xe9\xff</c> +
    /// <paramref name="suffix"/> (e.g. ".mp4").</summary>
    public static void CopyAsLatin1(string source, string folder, string suffix)
    {
        var start = new ProcessStartInfo("/bin/sh") { WorkingDirectory = folder, UseShellExecute = false };
        foreach (var argument in (string[])["-c", $"cp \"$1\" \"$(printf '{Latin1Printf}'){suffix}\"", "sh", source])
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"/bin/sh could not create the non-UTF-8 name (exit {process.ExitCode})");
        }
    }
}
