using System.Buffers;
using System.Globalization;
using System.Text;
using OnnxVideo.Media.Ffmpeg;

namespace OnnxVideo.Media;

/// <summary>
/// Probes and decodes a video file in one ffmpeg process, under the same hardening as <see cref="FfmpegFrameReader"/>
/// (file protocol and demuxer whitelists, resolved path, stream, pixel and address-space caps, deadline).
/// <para>ffmpeg opens the video and prints its stream information (<c>-v info</c>); a sentinel input of ours marks the
/// end of that dump (<see cref="InputDumpListener"/>). ffmpeg then reads its filter graph from stdin
/// (<c>-filter_script:v pipe:0</c>), which is planned from the dump and written only when the video passes the
/// <see cref="FfprobeRunner.CheckLimits"/> limits; otherwise stdin closes empty and ffmpeg stops before it decodes
/// more than one frame. <c>trim</c> ends the output after the last target (the role <c>-frames:v</c> has in the
/// two-process path, whose count is not known when ffmpeg starts).</para>
/// <para>Returns null, never a guess, whenever the one-process read is not plainly fine — dump not recognised, limits
/// or plan refused, ffmpeg failed, frames short, or a target not served by its own frame — so the caller reads the
/// file the two-process way (ffprobe, then ffmpeg), which gives the exact probe and the typed error. Only timeouts,
/// cancellation and resource-cap failures are thrown from here, as they would be there.</para>
/// </summary>
internal sealed class ProbingFrameDecoder(MediaOptions options)
{
    private const string SentinelContent = ";FFMETADATA1\n";

    /// <summary>Reads <paramref name="path"/> with the plan <paramref name="plan"/> makes from its stream information,
    /// first completed by <paramref name="refine"/> where given (null from either: read it the two-process way); null
    /// when the caller should fall back.</summary>
    public async Task<ProbedDecode?> TryDecodeAsync(string path, Func<VideoProbe, DecodePlan?> plan, CancellationToken ct,
        Func<VideoProbe, VideoProbe?>? refine = null)
    {
        var fullPath = InputSafety.RequireFile(path);
        var folder = Directory.CreateTempSubdirectory("onnxvideo-decode-");
        Attempt? attempt = null;
        try
        {
            var sentinel = Path.Combine(folder.FullName, "end-of-input.ffmeta");
            await File.WriteAllTextAsync(sentinel, SentinelContent, ct).ConfigureAwait(false);
            var log = Path.Combine(folder.FullName, "decoded.txt");
            var listener = new InputDumpListener();
            var planned = new TaskCompletionSource<Attempt?>(TaskCreationOptions.RunContinuationsAsynchronously);
            var run = await ToolRunner.RunAsync(options.FfmpegPath, Arguments(fullPath, sentinel), path, options,
                options.DecodeTimeout,
                async (stdout, token) =>
                {
                    attempt = await planned.Task.ConfigureAwait(false);
                    return attempt is null ? await DrainAsync(stdout, token).ConfigureAwait(false) : await attempt.ReadAsync(stdout, token).ConfigureAwait(false);
                },
                ct,
                (stdin, token) => PlanAndFeedAsync(path, listener, refine, plan, log, planned, stdin, token),
                listener.OnLine).ConfigureAwait(false);
            var decoded = attempt is not null && Succeeded(attempt, run, log) ? attempt : null;
            if (decoded is null)
            {
                return null;
            }
            attempt = null;
            return decoded.Result();
        }
        finally
        {
            attempt?.ReturnBuffer();
            folder.Delete(recursive: true);
        }
    }

    private List<string> Arguments(string fullPath, string sentinel)
    {
        var arguments = RawFrameDecoder.CommonArguments(options);
        arguments[arguments.IndexOf("error")] = "info";
        arguments.Add("-nostats");
        InputSafety.AddInputOptions(arguments, options);
        arguments.AddRange(["-copyts", "-i", InputSafety.FileUrl(fullPath)]);
        arguments.AddRange(["-protocol_whitelist", "file", "-format_whitelist", "ffmetadata", "-f", "ffmetadata",
            "-i", InputSafety.FileUrl(sentinel)]);
        arguments.AddRange(["-map", "0:V:0", "-map_metadata", "-1", "-map_chapters", "-1",
            "-an", "-sn", "-dn",
            "-filter_threads", options.DecoderThreads.ToString(CultureInfo.InvariantCulture),
            "-filter_script:v", "pipe:0",
            "-fps_mode", "passthrough",
            "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"]);
        return arguments;
    }

    /// <summary>Waits for the dump, plans, and writes the filter graph (nothing when refused: ffmpeg then fails on the
    /// empty graph).</summary>
    private async Task PlanAndFeedAsync(string path, InputDumpListener listener, Func<VideoProbe, VideoProbe?>? refine,
        Func<VideoProbe, DecodePlan?> plan, string log, TaskCompletionSource<Attempt?> planned, Stream stdin, CancellationToken ct)
    {
        Attempt? attempt = null;
        try
        {
            var lines = await listener.Dump.WaitAsync(ct).ConfigureAwait(false);
            var probe = lines is null ? null : DecoderInputDump.Parse(path, lines);
            attempt = Prepare(probe is not null && refine is not null ? refine(probe) : probe, plan, log);
        }
        catch (Exception e) when (e is VideoInputException or ArgumentException)
        {
            // Refused (limits, a clip the estimate cannot plan): the two-process read decides, with the exact probe.
            attempt = null;
        }
        finally
        {
            planned.TrySetResult(attempt);
        }
        if (attempt is not null)
        {
            await stdin.WriteAsync(Encoding.UTF8.GetBytes(attempt.FilterScript), ct).ConfigureAwait(false);
        }
    }

    private Attempt? Prepare(VideoProbe? probe, Func<VideoProbe, DecodePlan?> plan, string log)
    {
        if (probe is null)
        {
            return null;
        }
        FfprobeRunner.CheckLimits(probe, options);
        if (plan(probe) is not { } chosen
            || chosen.Geometry.SourceCrop is { } crop && !crop.FitsIn(probe.DisplayWidth, probe.DisplayHeight))
        {
            return null;
        }
        return new Attempt(probe, chosen, log);
    }

    private static bool Succeeded(Attempt attempt, ToolRun<int> run, string log)
    {
        if (run.ExitCode != 0 || !run.ExitedOnItsOwn || run.Value < attempt.Distinct.Length)
        {
            return false;
        }
        var serving = DecodedFrameLog.ServingTimes(attempt.Probe.Path, log, attempt.OnStreamClock, attempt.Tolerance);
        return !serving.Any(double.IsNaN)
               && FfmpegFrameReader.GapWarning(attempt.Probe, attempt.OnStreamClock, serving, run.Value, attempt.SlotOfRequest) is null;
    }

    private static async Task<(int, bool)> DrainAsync(Stream stdout, CancellationToken ct)
    {
        await stdout.CopyToAsync(Stream.Null, ct).ConfigureAwait(false);
        return (0, false);
    }

    /// <summary>One planned read: targets on the stream clock, the filter script and the frame buffer.</summary>
    private sealed class Attempt
    {
        private readonly int[] _firstRequest;
        private byte[]? _rgb;

        public Attempt(VideoProbe probe, DecodePlan plan, string log)
        {
            Probe = probe;
            Plan = plan;
            (Distinct, SlotOfRequest) = RawFrameDecoder.Deduplicate(plan.Timestamps);
            Tolerance = 0.5 / probe.NominalFrameRate;
            OnStreamClock = Distinct.Select(t => probe.StartTime + t).ToArray();
            _firstRequest = RawFrameDecoder.FirstRequests(Distinct.Length, SlotOfRequest);
            FilterScript = FilterChain.Build(OnStreamClock, Tolerance, plan.Geometry, log)
                + $",trim=end_frame={Distinct.Length.ToString(CultureInfo.InvariantCulture)}";
            _rgb = ArrayPool<byte>.Shared.Rent(checked(plan.Timestamps.Length * plan.Geometry.FrameBytes));
        }

        public VideoProbe Probe { get; }
        public DecodePlan Plan { get; }
        public double[] Distinct { get; }
        public int[] SlotOfRequest { get; }
        public double Tolerance { get; }
        public double[] OnStreamClock { get; }
        public string FilterScript { get; }

        private Memory<byte> Frames => _rgb.AsMemory(0, Plan.Timestamps.Length * Plan.Geometry.FrameBytes);

        public async Task<(int Delivered, bool Complete)> ReadAsync(Stream stdout, CancellationToken ct)
        {
            var read = await RawFrameDecoder.ReadFramesAsync(stdout, Frames, Plan.Geometry.FrameBytes, _firstRequest, ct)
                .ConfigureAwait(false);
            // ffmpeg ends the output itself (trim); read to the end so it is waited for, not stopped.
            await stdout.CopyToAsync(Stream.Null, ct).ConfigureAwait(false);
            return (read.Delivered, false);
        }

        public ProbedDecode Result()
        {
            RawFrameDecoder.CopyRepeats(Distinct.Length, SlotOfRequest, _firstRequest, Plan.Geometry.FrameBytes, Frames.Span);
            var rgb = _rgb!;
            _rgb = null;
            return new ProbedDecode(Probe, Plan, rgb, new DecodeResult(Plan.Timestamps.Length, Distinct.Length, 0));
        }

        public void ReturnBuffer()
        {
            if (_rgb is { } rgb)
            {
                _rgb = null;
                ArrayPool<byte>.Shared.Return(rgb);
            }
        }
    }
}
