using OnnxVideo.Media;

namespace OnnxVideo.Runtime;

/// <summary>
/// Which frames each clip of one input uses (clip-major, T per clip) and the time span each clip covers: either the
/// contract's test clips spread over the whole video, or one clip per sliding window.
/// </summary>
internal sealed record ClipPlan(int[] FrameIndices, int ClipCount, TimeSpan[] Starts, TimeSpan[] Ends, bool IsTimeline)
{
    /// <summary>
    /// Plans <paramref name="frameCount"/> frames at <paramref name="frameRate"/>. Throws
    /// <see cref="VideoInputException"/> (TooShort) when a clip needs more frames than exist and padding is off.
    /// </summary>
    public static ClipPlan Create(string source, long frameCount, double frameRate, PreprocessingContract contract,
        bool padShortVideos, TimeSpan? window, TimeSpan? windowStride)
    {
        if (frameCount < 1)
        {
            throw new VideoInputException(source, VideoInputError.TooShort, "the video has no frames");
        }
        var sampler = new ClipSampler(contract with { TestClips = 1 }, ShortVideoPolicy.RepeatLast);
        long needed = contract.Sampling == SamplingMode.Dense ? sampler.DenseSpan : contract.Frames;
        if (!padShortVideos && frameCount < needed)
        {
            throw new VideoInputException(source, VideoInputError.TooShort,
                $"{frameCount} frames, a clip needs {needed} ({contract.Sampling}, {contract.Frames} frames) and padding is off");
        }
        var plan = window is { } length
            ? Windows(frameCount, frameRate, contract, sampler, length, windowStride ?? length, needed)
            : TestClips(frameCount, frameRate, contract);
        return frameCount < needed
            ? plan with { Warning = $"padded: the video has {frameCount} frame(s), a clip needs {needed}; its last frame is repeated" }
            : plan;
    }

    /// <summary>Says that the video is shorter than a clip and its last frame is repeated; null otherwise.</summary>
    public string? Warning { get; init; }

    private static ClipPlan TestClips(long frameCount, double frameRate, PreprocessingContract contract)
    {
        var indices = new ClipSampler(contract, ShortVideoPolicy.RepeatLast).TestFrameIndices(frameCount);
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

    private static ClipPlan Windows(long frameCount, double frameRate, PreprocessingContract contract, ClipSampler sampler,
        TimeSpan window, TimeSpan stride, long needed)
    {
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
