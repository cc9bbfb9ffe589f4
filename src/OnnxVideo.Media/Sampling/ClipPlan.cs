namespace OnnxVideo.Media;

/// <summary>
/// Which frames each test clip of one input uses (clip-major, T per clip) and the time span each clip covers: either
/// the contract's test clips spread over the whole video, or one clip per sliding window. The one planner behind
/// evaluation and inference reads (<see cref="VideoClipReader"/>).
/// </summary>
internal sealed record ClipPlan(int[] FrameIndices, int ClipCount, TimeSpan[] Starts, TimeSpan[] Ends, bool IsTimeline)
{
    /// <summary>
    /// Plans <paramref name="frameCount"/> frames at <paramref name="frameRate"/>. Throws
    /// <see cref="VideoInputException"/> (TooShort) when a clip needs more frames than exist and padding is off.
    /// </summary>
    public static ClipPlan Create(string source, long frameCount, double frameRate, PreprocessingContract contract,
        ShortVideoPolicy shortVideo, bool padShortVideos, TimeSpan? window, TimeSpan? windowStride)
    {
        var warning = ShortVideoWarning(source, frameCount, contract, shortVideo, padShortVideos);
        var plan = window is { } length
            ? Windows(frameCount, frameRate, contract, shortVideo, length, windowStride ?? length)
            : TestClips(frameCount, frameRate, contract, shortVideo);
        return warning is null ? plan : plan with { Warning = warning };
    }

    /// <summary>Says that the video is shorter than a clip and its last frame is repeated; null otherwise.</summary>
    public string? Warning { get; init; }

    /// <summary>Frames one clip spans in the source: its frame count, or the dense span.</summary>
    public static long FramesNeeded(PreprocessingContract contract) =>
        contract.Sampling == SamplingMode.Dense ? (contract.Frames - 1L) * contract.Stride + 1 : contract.Frames;

    /// <summary>Says that a video shorter than a clip has its last frame repeated, or refuses it (TooShort) when padding
    /// is off; null when the video is long enough or short videos loop.</summary>
    public static string? ShortVideoWarning(string source, long frameCount, PreprocessingContract contract,
        ShortVideoPolicy shortVideo, bool padShortVideos)
    {
        if (frameCount < 1)
        {
            throw new VideoInputException(source, VideoInputError.TooShort, "the video has no frames");
        }
        long needed = FramesNeeded(contract);
        if (frameCount >= needed || shortVideo != ShortVideoPolicy.RepeatLast)
        {
            return null;
        }
        var problem = $"the video has {frameCount} frame(s), a clip needs {needed}";
        if (!padShortVideos)
        {
            throw new VideoInputException(source, VideoInputError.TooShort,
                $"{problem} (padding is off: MediaOptions.PadMissingFrames / --no-pad)");
        }
        return $"padded: {problem}; its last frame is repeated";
    }

    private static ClipPlan TestClips(long frameCount, double frameRate, PreprocessingContract contract, ShortVideoPolicy shortVideo)
    {
        var indices = new ClipSampler(contract, shortVideo).TestFrameIndices(frameCount);
        int clips = contract.TestClips, t = contract.Frames;
        var starts = new TimeSpan[clips];
        var ends = new TimeSpan[clips];
        for (int c = 0; c < clips; c++)
        {
            starts[c] = TimeSpan.FromSeconds(indices[c * t] / frameRate);
            ends[c] = TimeSpan.FromSeconds((indices[c * t + t - 1] + 1) / frameRate);
        }
        return new ClipPlan(indices, clips, starts, ends, IsTimeline: false);
    }

    private static ClipPlan Windows(long frameCount, double frameRate, PreprocessingContract contract, ShortVideoPolicy shortVideo,
        TimeSpan window, TimeSpan stride)
    {
        var sampler = new ClipSampler(contract with { TestClips = 1 }, shortVideo);
        long needed = FramesNeeded(contract);
        long windowFrames = Math.Max(1, (long)Math.Round(window.TotalSeconds * frameRate));
        long strideFrames = Math.Max(1, (long)Math.Round(stride.TotalSeconds * frameRate));
        long count = frameCount <= windowFrames ? 1 : (frameCount - windowFrames + strideFrames - 1) / strideFrames + 1;
        int t = contract.Frames;
        var indices = new int[checked((int)count * t)];
        var starts = new TimeSpan[count];
        var ends = new TimeSpan[count];
        for (int w = 0; w < count; w++)
        {
            long first = Math.Min(w * strideFrames, Math.Max(0, frameCount - windowFrames));
            long length = Math.Min(windowFrames, frameCount - first);
            // A window too short for a dense clip samples the clip's span from the window start, held at the video end.
            var local = sampler.TestFrameIndices(Math.Max(length, Math.Min(needed, frameCount - first)));
            for (int k = 0; k < t; k++)
            {
                indices[w * t + k] = (int)Math.Min(frameCount - 1, first + local[k]);
            }
            starts[w] = TimeSpan.FromSeconds(first / frameRate);
            ends[w] = TimeSpan.FromSeconds((first + length) / frameRate);
        }
        return new ClipPlan(indices, (int)count, starts, ends, IsTimeline: true);
    }
}
