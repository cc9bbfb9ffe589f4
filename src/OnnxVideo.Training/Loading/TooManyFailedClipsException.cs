namespace OnnxVideo.Training.Loading;

/// <summary>More clips failed to decode than the limit allows; the last failure is named (and is the inner exception
/// when there was one).</summary>
public sealed class TooManyFailedClipsException(int failed, int limit, ClipFailure last, Exception? inner = null)
    : UserInputException(last.Path, $"{failed} clips failed to decode (limit {limit}); last: {last.Reason}",
        $"{failed} clips failed to decode (limit {limit}); last: {last.Path}: {last.Reason}", inner)
{
    public int Failed { get; } = failed;
    public int Limit { get; } = limit;
}
