using System.Text;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Locking;

namespace OnnxVideo.Cli.Classify;

/// <summary>
/// The <c>--output</c> JSON-lines file: one line per input, keyed by its <c>"path"</c>, held under an exclusive lock
/// (<c>&lt;output&gt;.lock</c>) while open. Opening repairs what a crash or an older version left: a torn last line, lines
/// that do not parse and repeated lines of one input (the last one wins, in the place of the first); those lines are
/// moved to <c>&lt;output&gt;.damaged</c> and the file is rewritten through a temporary file and a rename. Each record is
/// appended with one write call. A retried input's new line is appended next to its old one and the file is compacted
/// again on <see cref="Dispose"/>, so after any run that ends there is exactly one line per input.
/// </summary>
internal sealed class ResultLinesFile : IDisposable
{
    private readonly ExclusiveFileLock _lock;
    private readonly FileStream _append;
    private readonly Dictionary<string, ResultLineState> _known;
    private readonly TextWriter _log;
    private bool _appendedRepeat;

    private ResultLinesFile(string path, ExclusiveFileLock fileLock, FileStream append, Dictionary<string, ResultLineState> known, TextWriter log)
    {
        Path = path;
        _lock = fileLock;
        _append = append;
        _known = known;
        _log = log;
    }

    public string Path { get; }

    /// <summary>Inputs whose line records a result (no error).</summary>
    public IEnumerable<string> Succeeded => _known.Where(k => k.Value.Succeeded).Select(k => k.Key);

    /// <summary>Locks, repairs and opens <paramref name="path"/> for appending; repairs are reported on <paramref name="log"/>.
    /// A file-system failure is a <see cref="UserFileException"/> naming <paramref name="path"/>.</summary>
    public static ResultLinesFile Open(string path, TextWriter log)
    {
        var full = System.IO.Path.GetFullPath(path);
        UserFileException.Guard(path, "cannot write", () => Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!));
        var fileLock = ExclusiveFileLock.Acquire(full + ".lock", path);
        try
        {
            var known = File.Exists(full) ? Compact(full, log) : [];
            var append = new FileStream(full, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 0);
            return new ResultLinesFile(full, fileLock, append, known, log);
        }
        catch (Exception e)
        {
            fileLock.Dispose();
            if (UserFileException.IsFileSystemError(e))
            {
                throw UserFileException.From(path, "cannot write", e);
            }
            throw;
        }
    }

    /// <summary>The attempt number the next line of <paramref name="key"/> has (1 for an input seen for the first time).</summary>
    public int NextAttempt(string key) => _known.TryGetValue(key, out var state) ? state.Attempt + 1 : 1;

    /// <summary>Appends one record (a JSON object without a newline) in a single write, and flushes it.</summary>
    public void Append(string key, bool succeeded, string jsonLine)
    {
        var bytes = Encoding.UTF8.GetBytes(jsonLine + "\n");
        _append.Write(bytes);
        _append.Flush();
        _appendedRepeat |= _known.ContainsKey(key);
        _known[key] = new ResultLineState(succeeded, NextAttempt(key));
    }

    public void Dispose()
    {
        try
        {
            _append.Dispose();
            if (_appendedRepeat)
            {
                Compact(Path, TextWriter.Null);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _log.WriteLine($"warning: could not collapse the retried inputs' old lines in {Path} ({e.Message}); the next run does it");
        }
        finally
        {
            _lock.Dispose();
        }
    }

    /// <summary>Rewrites <paramref name="path"/> with one line per key when it holds anything else; returns the keys' states.</summary>
    private static Dictionary<string, ResultLineState> Compact(string path, TextWriter log)
    {
        var parsed = ResultLines.Parse(File.ReadAllBytes(path));
        if (parsed.Damaged.Count > 0)
        {
            using var damaged = new FileStream(path + ".damaged", FileMode.Append, FileAccess.Write, FileShare.Read);
            foreach (var line in parsed.Damaged)
            {
                damaged.Write(line);
                damaged.WriteByte((byte)'\n');
            }
            damaged.Flush(flushToDisk: true);
            log.WriteLine($"{path}: moved {parsed.Damaged.Count} unreadable line(s) to {path}.damaged");
        }
        if (parsed.TornTail)
        {
            log.WriteLine($"{path}: the last line was cut off by an interrupted write; repaired");
        }
        if (parsed.Repeats > 0)
        {
            log.WriteLine($"{path}: {parsed.Repeats} repeated line(s) of the same input replaced by the latest one");
        }
        if (parsed.NeedsRewrite)
        {
            AtomicFile.Write(path, stream =>
            {
                foreach (var line in parsed.Lines)
                {
                    stream.Write(line.Bytes);
                    stream.WriteByte((byte)'\n');
                }
            });
        }
        return parsed.Lines.ToDictionary(l => l.Key, l => l.State, StringComparer.Ordinal);
    }
}
