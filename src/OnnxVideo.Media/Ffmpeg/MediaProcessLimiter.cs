namespace OnnxVideo.Media.Ffmpeg;

/// <summary>Caps how many ffmpeg/ffprobe child processes run at once. <see cref="Shared"/> is the process-wide
/// default (one per core); pass your own in <see cref="MediaOptions.ProcessLimiter"/> to partition.</summary>
public sealed class MediaProcessLimiter
{
    private readonly SemaphoreSlim _slots;

    public MediaProcessLimiter(int maxConcurrentProcesses)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrentProcesses, 1);
        MaxConcurrentProcesses = maxConcurrentProcesses;
        _slots = new SemaphoreSlim(maxConcurrentProcesses, maxConcurrentProcesses);
    }

    public static MediaProcessLimiter Shared { get; } = new(Math.Max(1, Environment.ProcessorCount));

    public int MaxConcurrentProcesses { get; }
    public int Running => MaxConcurrentProcesses - _slots.CurrentCount;

    internal Task WaitAsync(CancellationToken ct) => _slots.WaitAsync(ct);
    internal void Release() => _slots.Release();
}
