using OnnxVideo.Media.Ffmpeg;

namespace OnnxVideo.Media;

/// <summary>
/// Decodes chosen frames of a video file, in one forward ffmpeg pass, into a caller buffer of rgb24 frames.
/// Frames are picked by timestamp (so variable-frame-rate video works), rotation metadata is applied (ffmpeg
/// autorotates), and crop/scale/flip run in ffmpeg's filter graph (<see cref="FilterChain"/>).
/// </summary>
public sealed class FfmpegFrameReader
{
    private readonly MediaOptions _options;

    public FfmpegFrameReader(MediaOptions? options = null)
    {
        _options = options ?? MediaOptions.Default;
        _options.Validate();
    }

    public MediaOptions Options => _options;

    /// <summary>
    /// Writes one <paramref name="geometry"/>-sized rgb24 frame per entry of <paramref name="timestamps"/> (seconds from
    /// the start of the video, any order, repeats allowed) into <paramref name="destination"/>, in the same order.
    /// Targets after the last frame get the last frame; when the stream ends before its probed frame count, that
    /// padding is reported in <see cref="DecodeResult.Warning"/> (or refused, see <see cref="MediaOptions.PadMissingFrames"/>). Throws <see cref="VideoInputException"/> when the video cannot
    /// be decoded, stops decoding well before its probed duration (corrupt or truncated), or exceeds the limits.
    /// </summary>
    public async Task<DecodeResult> DecodeAsync(VideoProbe probe, ReadOnlyMemory<double> timestamps, FrameGeometry geometry,
        Memory<byte> destination, CancellationToken ct = default)
    {
        if (timestamps.IsEmpty)
        {
            throw new ArgumentException("no timestamps requested", nameof(timestamps));
        }
        var needed = (long)timestamps.Length * geometry.FrameBytes;
        if (destination.Length < needed)
        {
            throw new ArgumentException($"destination holds {destination.Length} bytes, {needed} needed", nameof(destination));
        }
        if (geometry.SourceCrop is { } crop && !crop.FitsIn(probe.DisplayWidth, probe.DisplayHeight))
        {
            throw new ArgumentException($"crop {crop} does not fit the {probe.DisplayWidth}x{probe.DisplayHeight} frame");
        }
        FfprobeRunner.CheckLimits(probe, _options);
        var fullPath = InputSafety.RequireFile(probe.Path);

        var (distinct, slotOfRequest) = RawFrameDecoder.Deduplicate(timestamps.Span);
        var tolerance = 0.5 / probe.NominalFrameRate;
        var onStreamClock = new double[distinct.Length];
        for (var i = 0; i < distinct.Length; i++)
        {
            onStreamClock[i] = probe.StartTime + distinct[i];
        }
        var (delivered, run, serving) = await RunLoggedAsync(fullPath, probe, onStreamClock, tolerance, geometry,
            slotOfRequest, destination, ct).ConfigureAwait(false);
        if (delivered == 0)
        {
            throw new VideoInputException(probe.Path, VideoInputError.TooShort,
                "no frame could be decoded", run.StderrTail);
        }
        if (delivered < distinct.Length)
        {
            // Targets past the real end are normal (durations are estimates); a stop far before the probed end is not.
            var firstMissing = distinct[delivered];
            var slack = Math.Max(4.0 / probe.NominalFrameRate, 0.05 * probe.Duration);
            if (firstMissing < probe.Duration - slack)
            {
                throw new VideoInputException(probe.Path, VideoInputError.Corrupt,
                    $"decoding stopped before {firstMissing:0.###} s of a {probe.Duration:0.###} s video (truncated or corrupt)",
                    run.StderrTail);
            }
            RawFrameDecoder.RepeatLast(delivered, slotOfRequest, geometry.FrameBytes, destination.Span);
        }
        string?[] found =
        [
            delivered < distinct.Length ? PaddingWarning(probe, distinct[delivered], delivered, slotOfRequest) : null,
            GapWarning(probe, onStreamClock, serving, delivered, slotOfRequest),
        ];
        var warnings = found.OfType<string>().ToList();
        if (warnings.Count > 0 && !_options.PadMissingFrames)
        {
            throw new VideoInputException(probe.Path, VideoInputError.Corrupt,
                $"{string.Join("; ", warnings)} (padding is off: MediaOptions.PadMissingFrames / --no-pad)", run.StderrTail);
        }
        return new DecodeResult(timestamps.Length, distinct.Length, distinct.Length - delivered,
            warnings.Count > 0 ? string.Join("; ", warnings) : null);
    }

    /// <summary>Runs the decode with a timestamp log. Returns the distinct targets decoded frames served (ffmpeg's
    /// fps filter repeats the last frame for the targets left at the end of a truncated stream; the log tells them
    /// apart) and, when the log is complete, the time of the frame that served each target.</summary>
    private async Task<(int Delivered, ToolRun<int> Run, double[]? Serving)> RunLoggedAsync(string fullPath,
        VideoProbe probe, double[] onStreamClock, double tolerance, FrameGeometry geometry, int[] slotOfRequest,
        Memory<byte> destination, CancellationToken ct)
    {
        var logFolder = Directory.CreateTempSubdirectory("onnxvideo-decode-");
        try
        {
            var log = Path.Combine(logFolder.FullName, "decoded.txt");
            var arguments = BuildArguments(fullPath, probe, onStreamClock, tolerance, geometry, log);
            var (delivered, run) = await RawFrameDecoder.RunAsync(probe.Path, arguments, _options, geometry.FrameBytes,
                onStreamClock.Length, slotOfRequest, destination, ct).ConfigureAwait(false);
            if (!run.StoppedEarly && run.ExitCode != 0)
            {
                throw InputSafety.Failure(probe.Path, "ffmpeg", run.ExitCode, run.StderrTail);
            }
            if (!run.ExitedOnItsOwn || delivered == 0)
            {
                return (delivered, run, null);
            }
            var serving = DecodedFrameLog.ServingTimes(probe.Path, log, onStreamClock, tolerance);
            var served = Array.FindIndex(serving, double.IsNaN);
            return (served < 0 ? delivered : Math.Min(delivered, served), run, serving);
        }
        finally
        {
            logFolder.Delete(recursive: true);
        }
    }

    /// <summary>On a constant-frame-rate video, says how many requests got a later frame because no frame was decoded
    /// near their time (frames lost inside a truncated or damaged stream); null when every target got its own.</summary>
    internal static string? GapWarning(VideoProbe probe, double[] targets, double[]? serving, int delivered,
        int[] slotOfRequest)
    {
        if (serving is null || probe.IsVariableFrameRate)
        {
            return null;
        }
        // A matching frame lies within half an interval of its target; one more than 3/4 of an interval late means
        // the frame that belonged there was not decoded.
        var late = 0.75 / probe.NominalFrameRate;
        var gaps = Enumerable.Range(0, delivered).Where(t => serving[t] - targets[t] > late).ToHashSet();
        if (gaps.Count == 0)
        {
            return null;
        }
        var substituted = slotOfRequest.Count(gaps.Contains);
        var first = targets[gaps.Min()] - probe.StartTime;
        return $"substituted {substituted} of {slotOfRequest.Length} frames with a later one: no frame was decoded near "
            + $"{first:0.###} s";
    }

    /// <summary>Says how many requests get the last frame when the stream ended before the frame count the probe gave
    /// (a truncated file); null when the missing targets lie at or past that end (the caller asked past the end, or an
    /// estimated count was one frame high).</summary>
    private static string? PaddingWarning(VideoProbe probe, double firstMissing, int delivered, int[] slotOfRequest)
    {
        var missingFrame = (long)Math.Round(firstMissing * probe.NominalFrameRate);
        var estimateError = probe.FrameCountExact ? 0 : 1;
        if (missingFrame >= probe.FrameCount - estimateError)
        {
            return null;
        }
        var padded = slotOfRequest.Count(slot => slot >= delivered);
        var counted = probe.FrameCountExact ? "declared" : "estimated";
        return $"padded {padded} of {slotOfRequest.Length} frames with the last decoded one: the stream ended before "
            + $"frame {missingFrame} of {probe.FrameCount} {counted}";
    }

    /// <summary>The exact ffmpeg argument list used for a decode (also what the benchmark runs to <c>-f null</c>).</summary>
    public List<string> BuildArguments(string fullPath, VideoProbe probe, ReadOnlySpan<double> sortedStreamTimes,
        double tolerance, FrameGeometry geometry) => BuildArguments(fullPath, probe, sortedStreamTimes, tolerance, geometry, null);

    private List<string> BuildArguments(string fullPath, VideoProbe probe, ReadOnlySpan<double> sortedStreamTimes,
        double tolerance, FrameGeometry geometry, string? timestampLog)
    {
        var arguments = RawFrameDecoder.CommonArguments(_options);
        InputSafety.AddInputOptions(arguments, _options);
        // -copyts: keep the stream's own timestamps (ffmpeg otherwise shifts them by the container start), so targets
        // are the probe's video start time plus the requested offset.
        arguments.AddRange(["-copyts", "-i", InputSafety.FileUrl(fullPath), "-map", $"0:{probe.VideoStreamIndex}"]);
        RawFrameDecoder.AddOutput(arguments, _options,
            FilterChain.Build(sortedStreamTimes, tolerance, geometry, timestampLog), sortedStreamTimes.Length);
        return arguments;
    }
}
