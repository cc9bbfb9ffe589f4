using System.Diagnostics;

namespace OnnxVideo.Media.Tests;

/// <summary>A FIFO whose opening for reading is observable: <see cref="WatchAsync"/>'s writer only gets through open()
/// once a reader has opened the other end.</summary>
internal static class FifoCanary
{
    /// <summary>Runs <paramref name="act"/> and says whether anyone opened <paramref name="fifo"/> meanwhile.</summary>
    public static async Task<bool> WatchAsync(string fifo, Func<Task> act)
    {
        var releasing = 0;
        var openedByOther = false;
        var writer = Task.Run(() =>
        {
            using var stream = new FileStream(fifo, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
            openedByOther = Volatile.Read(ref releasing) == 0;
        });
        try
        {
            await act();
        }
        finally
        {
            Volatile.Write(ref releasing, 1);
            // If nobody opened the FIFO, our writer is still blocked in open(); pair with it to let it go. (The tool
            // processes are gone by now, so nobody else can complete it between this check and our open.)
            if (!writer.IsCompleted)
            {
                using (new FileStream(fifo, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
                {
                }
            }
            await writer;
        }
        return openedByOther;
    }

    public static void Make(string path)
    {
        using var mkfifo = Process.Start("mkfifo", [path]);
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
    }
}
