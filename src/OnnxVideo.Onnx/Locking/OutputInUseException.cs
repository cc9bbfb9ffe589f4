namespace OnnxVideo.Onnx.Locking;

/// <summary>
/// Another writer holds <see cref="Target"/> (an output file or run folder); <see cref="Holder"/> names it as its lock
/// file records it (null fields when the holder has not written them yet).
/// </summary>
public sealed class OutputInUseException(string target, string lockPath, LockHolder holder)
    : UserInputException(target, $"in use by another writer ({holder}); wait for it to finish or choose another output " +
                                 $"(lock file: {lockPath})", $"{target} is in use by another writer ({holder}); wait for it to finish or choose another output " +
                                 $"(lock file: {lockPath})", null)
{
    public string Target { get; } = target;
    public string LockPath { get; } = lockPath;
    public LockHolder Holder { get; } = holder;
}
