namespace OnnxVideo.Onnx.Locking;

/// <summary>
/// An exclusive advisory lock on a lock file, held until disposed; a second writer is refused at once with
/// <see cref="OutputInUseException"/> naming the holder (pid, command line, start time, written into the file).
/// Across processes it is a POSIX record lock (<see cref="FileStream.Lock"/>); such locks belong to a process, so a
/// registry of held paths refuses a second lock within one process, and the holder never opens its lock file twice
/// (closing any descriptor of the file would drop the lock). The file is left in place, emptied, on release:
/// deleting it would let two writers lock two different files under one name.
/// </summary>
internal sealed class ExclusiveFileLock : IDisposable
{
    private static readonly HashSet<string> HeldInThisProcess = new(StringComparer.Ordinal);
    private readonly FileStream _stream;
    private bool _released;

    private ExclusiveFileLock(string lockPath, FileStream stream)
    {
        LockPath = lockPath;
        _stream = stream;
    }

    public string LockPath { get; }

    /// <summary>Locks <paramref name="lockPath"/> (created when missing) on behalf of <paramref name="target"/>, the output it guards.</summary>
    public static ExclusiveFileLock Acquire(string lockPath, string target)
    {
        var full = Path.GetFullPath(lockPath);
        lock (HeldInThisProcess)
        {
            if (!HeldInThisProcess.Add(full))
            {
                throw new OutputInUseException(target, full, LockHolder.CurrentProcess());
            }
        }
        FileStream? stream = null;
        try
        {
            if (OperatingSystem.IsMacOS())
            {
                stream = OpenWithFlockOnly(full, target);
            }
            else
            {
                stream = new FileStream(full, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
                try
                {
                    stream.Lock(0, 1);
                }
                catch (IOException)
                {
                    throw new OutputInUseException(target, full, LockHolder.Parse(ReadAll(stream)));
                }
            }
            var holder = LockHolder.CurrentProcess().ToJson();
            stream.SetLength(0);
            stream.Write(holder);
            stream.Flush(flushToDisk: true);
            return new ExclusiveFileLock(full, stream);
        }
        catch (Exception e)
        {
            stream?.Dispose();
            lock (HeldInThisProcess)
            {
                HeldInThisProcess.Remove(full);
            }
            if (UserFileException.IsFileSystemError(e))
            {
                throw UserFileException.From(target, $"cannot lock the output (lock file {full})", e);
            }
            throw;
        }
    }

    /// <summary>macOS has no record locks in .NET; there FileShare.None takes flock(LOCK_EX), which also keeps readers out.</summary>
    private static FileStream OpenWithFlockOnly(string lockPath, string target)
    {
        try
        {
            return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 0);
        }
        catch (IOException)
        {
            throw new OutputInUseException(target, lockPath, new LockHolder(null, null, null));
        }
    }

    private static byte[] ReadAll(FileStream stream)
    {
        const int MaxBytes = 4096;
        var buffer = new byte[MaxBytes];
        stream.Position = 0;
        var length = stream.ReadAtLeast(buffer, MaxBytes, throwOnEndOfStream: false);
        return buffer[..length];
    }

    public void Dispose()
    {
        if (_released)
        {
            return;
        }
        _released = true;
        try
        {
            _stream.SetLength(0);
            if (!OperatingSystem.IsMacOS())
            {
                _stream.Unlock(0, 1);
            }
        }
        catch (IOException)
        {
            // Closing the file below releases the lock anyway; an emptied holder record is only a courtesy.
        }
        _stream.Dispose();
        lock (HeldInThisProcess)
        {
            HeldInThisProcess.Remove(LockPath);
        }
    }
}
