namespace OnnxVideo.Media.Tests;

/// <summary>ffmpeg/ffprobe processes whose parent is this test process, read from /proc.</summary>
internal static class ChildProcesses
{
    public static IReadOnlyList<string> FfmpegChildren()
    {
        var self = Environment.ProcessId;
        var found = new List<string>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }
            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(dir, "stat"));
            }
            catch (IOException)
            {
                continue; // exited meanwhile
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }
            // "pid (comm) state ppid ..." — comm may contain spaces, so split after the last ')'.
            var open = stat.IndexOf('(');
            var close = stat.LastIndexOf(')');
            var comm = stat[(open + 1)..close];
            var fields = stat[(close + 2)..].Split(' ');
            if (int.Parse(fields[1]) == self && comm is "ffmpeg" or "ffprobe")
            {
                found.Add($"{pid} {comm} ({fields[0]})");
            }
        }
        return found;
    }
}
