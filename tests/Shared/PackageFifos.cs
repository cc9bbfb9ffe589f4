using System.Diagnostics;

namespace OnnxVideo.Testing;

/// <summary>Named pipes made at test time: reading one blocks until a writer appears, so code must refuse them unopened.</summary>
public static class PackageFifos
{
    public static void Make(string path)
    {
        using var mkfifo = Process.Start("mkfifo", [path]);
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
    }
}
