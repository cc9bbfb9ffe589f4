namespace OnnxVideo;

/// <summary>
/// A file or folder the user named that cannot be read or written (missing, no permission, an I/O failure). The code
/// that knows which path it was working on turns the file system's exception into this one (<see cref="Guard{T}"/>).
/// </summary>
public sealed class UserFileException(string path, string problem, Exception? inner = null)
    : UserInputException(path, problem, inner)
{
    /// <summary>Runs <paramref name="work"/> on <paramref name="path"/>; a file-system failure becomes a <see cref="UserFileException"/>
    /// naming the path and saying what was being done ("cannot read", "cannot write").</summary>
    public static T Guard<T>(string path, string doing, Func<T> work)
    {
        try
        {
            return work();
        }
        catch (Exception e) when (IsFileSystemError(e))
        {
            throw From(path, doing, e);
        }
    }

    /// <summary>The form of <see cref="Guard{T}"/> for work without a result.</summary>
    public static void Guard(string path, string doing, Action work) => Guard<object?>(path, doing, () =>
    {
        work();
        return null;
    });

    /// <summary>The asynchronous form of <see cref="Guard{T}"/>.</summary>
    public static async Task<T> GuardAsync<T>(string path, string doing, Func<Task<T>> work)
    {
        try
        {
            return await work().ConfigureAwait(false);
        }
        catch (Exception e) when (IsFileSystemError(e))
        {
            throw From(path, doing, e);
        }
    }

    /// <summary>The file system's exception as a <see cref="UserFileException"/> naming <paramref name="path"/>.</summary>
    public static UserFileException From(string path, string doing, Exception error) => error switch
    {
        FileNotFoundException => new UserFileException(path, $"{doing}: not found", error),
        DirectoryNotFoundException => new UserFileException(path, $"{doing}: a folder on the path does not exist", error),
        UnauthorizedAccessException => new UserFileException(path, $"{doing}: permission denied ({error.Message})", error),
        _ => new UserFileException(path, $"{doing}: {error.Message}", error),
    };

    /// <summary>The failures of file-system calls on a path: missing, not permitted, or an I/O error.</summary>
    public static bool IsFileSystemError(Exception e) => e is IOException or UnauthorizedAccessException;
}
