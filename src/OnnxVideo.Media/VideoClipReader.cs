using System.Buffers;
using OnnxVideo.Media.Ffmpeg;

namespace OnnxVideo.Media;

/// <summary>
/// The one path from a video file or frame folder to model input, shared by training, evaluation and inference:
/// probe → sample frame indices (<see cref="ClipSampler"/>) → one ffmpeg pass with crop/scale in the filter graph
/// (<see cref="FfmpegFrameReader"/> / <see cref="FrameFolderReader"/>) → normalise (<see cref="ClipPreprocessor"/>).
/// Thread-safe; each call starts its own ffmpeg process (bounded by <see cref="MediaOptions.ProcessLimiter"/>).
/// </summary>
public sealed class VideoClipReader
{
    private readonly FfmpegFrameReader _videos;
    private readonly FrameFolderReader _folders;
    private readonly ProbeCache? _probes;
    private readonly ProbingFrameDecoder _probing;

    public VideoClipReader(PreprocessingContract contract, MediaOptions? options = null,
        ShortVideoPolicy shortVideo = ShortVideoPolicy.RepeatLast)
    {
        contract.Validate();
        Contract = contract;
        Options = options ?? MediaOptions.Default;
        Sampler = new ClipSampler(contract, shortVideo);
        Preprocessor = new ClipPreprocessor(contract);
        _videos = new FfmpegFrameReader(Options);
        _folders = new FrameFolderReader(Options);
        _probing = new ProbingFrameDecoder(Options);
        _probes = Options.CacheProbes ? new ProbeCache() : null;
    }

    public PreprocessingContract Contract { get; }
    public MediaOptions Options { get; }
    internal ClipSampler Sampler { get; }
    internal ClipPreprocessor Preprocessor { get; }
    /// <summary>Elements of one sample (3 × T × CropSize²).</summary>
    public int SampleElements => Preprocessor.SampleElements;
    /// <summary>Samples one evaluation/inference read writes: TestClips × TestCrops (clip-major), to be averaged.</summary>
    public int TestSamplesPerVideo => Contract.TestClips * Contract.TestCrops;

    /// <summary>Evaluation/inference: writes <see cref="TestSamplesPerVideo"/> consecutive samples (clip c, crop m at
    /// sample c × TestCrops + m) into <paramref name="destination"/>.</summary>
    public Task<ClipReadResult> ReadTestSamplesAsync(string path, Memory<float> destination, CancellationToken ct = default)
    {
        RequireLength(destination.Length, TestSamplesPerVideo);
        return ReadTestAsync(path,
            (frames, w, h, crop, i) => Preprocessor.Process(frames, w, h, crop, destination.Span.Slice(i * SampleElements, SampleElements)),
            ct);
    }

    /// <inheritdoc cref="ReadTestSamplesAsync(string, Memory{float}, CancellationToken)"/>
    public Task<ClipReadResult> ReadTestSamplesAsync(string path, Memory<Half> destination, CancellationToken ct = default)
    {
        RequireLength(destination.Length, TestSamplesPerVideo);
        return ReadTestAsync(path,
            (frames, w, h, crop, i) => Preprocessor.Process(frames, w, h, crop, destination.Span.Slice(i * SampleElements, SampleElements)),
            ct);
    }

    /// <summary>Training: one augmented sample into <paramref name="destination"/> (e.g. a batch slot,
    /// <c>batch.Slice(i * SampleElements, SampleElements)</c>). Same <paramref name="seed"/>, same clip.</summary>
    public Task<ClipReadResult> ReadTrainingSampleAsync(string path, ClipAugmentation augmentation, int seed,
        Memory<float> destination, CancellationToken ct = default)
    {
        RequireLength(destination.Length, 1);
        return ReadTrainingAsync(path, augmentation, seed,
            (frames, w, h, crop, _) => Preprocessor.Process(frames, w, h, crop, destination.Span), ct);
    }

    /// <inheritdoc cref="ReadTrainingSampleAsync(string, ClipAugmentation, int, Memory{float}, CancellationToken)"/>
    public Task<ClipReadResult> ReadTrainingSampleAsync(string path, ClipAugmentation augmentation, int seed,
        Memory<Half> destination, CancellationToken ct = default)
    {
        RequireLength(destination.Length, 1);
        return ReadTrainingAsync(path, augmentation, seed,
            (frames, w, h, crop, _) => Preprocessor.Process(frames, w, h, crop, destination.Span), ct);
    }

    private void RequireLength(int length, int samples)
    {
        if (length < samples * SampleElements)
        {
            throw new ArgumentException($"destination holds {length} elements, {samples} sample(s) of {SampleElements} needed");
        }
    }

    private async Task<ClipReadResult> ReadTestAsync(string path, SampleSink sink, CancellationToken ct) =>
        (await ReadTestClipsAsync(path, null, null, sink, ct).ConfigureAwait(false)).Read;

    /// <summary>
    /// Evaluation/inference: plans the test clips (or one clip per sliding window), decodes them in one pass and hands
    /// each (clip, crop) to <paramref name="sink"/>, clip-major. The path every test-time read takes.
    /// </summary>
    internal async Task<TestClipRead> ReadTestClipsAsync(string path, TimeSpan? window, TimeSpan? windowStride, SampleSink sink,
        CancellationToken ct)
    {
        if (Options.ProbeWhileDecoding && !Directory.Exists(path) && _probes?.TryGet(path, acceptDump: false) is null
            && Mp4VideoTrack.ReadMovie(InputSafety.RequireFile(path)) is { } movie
            && await ReadTestClipsInOneProcessAsync(path, movie, window, windowStride, sink, ct).ConfigureAwait(false) is { } read)
        {
            return read;
        }
        var input = await OpenAsync(path, ct).ConfigureAwait(false);
        var plan = ClipPlan.Create(path, input.FrameCount, input.FrameRate, Contract, Sampler.ShortVideo, Options.PadMissingFrames,
            window, windowStride);
        var geometry = TestGeometry(input.Width, input.Height);
        var decoded = await DecodeAsync(input, plan.FrameIndices, geometry, TestCrops(geometry), plan.Warning, sink, ct).ConfigureAwait(false);
        return new TestClipRead(decoded, plan);
    }

    /// <summary>The one-process test read of an MP4/MOV file: the decoding ffmpeg's dump completed by the exact frame
    /// count and rate of the sample tables in <paramref name="movie"/> (<see cref="Mp4VideoTrack"/>), planned as with
    /// ffprobe's probe; null when it falls back (tables not read, a video shorter than a clip, a read not plainly fine).
    /// The probe stays marked as from the dump (its start is the container's), so it serves training reads only.</summary>
    private async Task<TestClipRead?> ReadTestClipsInOneProcessAsync(string path, byte[] movie, TimeSpan? window,
        TimeSpan? windowStride, SampleSink sink, CancellationToken ct)
    {
        VideoProbe? WithSampleTables(VideoProbe dump) =>
            dump.FormatName.Split(',').Contains("mov") && Mp4VideoTrack.FromMovie(movie, dump.VideoStreamIndex) is { } track
                ? dump with { FrameCount = track.FrameCount, FrameCountExact = true, AverageFrameRate = track.AverageFrameRate }
                : null;

        ClipPlan? clips = null;
        var decoded = await _probing.TryDecodeAsync(path, probe =>
        {
            if (probe.FrameCount < ClipPlan.FramesNeeded(Contract))
            {
                return null;
            }
            clips = ClipPlan.Create(path, probe.FrameCount, probe.NominalFrameRate, Contract, Sampler.ShortVideo,
                Options.PadMissingFrames, window, windowStride);
            return new DecodePlan(clips.FrameIndices, ClipSampler.ToTimestamps(clips.FrameIndices, probe.NominalFrameRate),
                TestGeometry(probe.DisplayWidth, probe.DisplayHeight));
        }, ct, WithSampleTables).ConfigureAwait(false);
        return decoded is null ? null : new TestClipRead(Emit(path, decoded, TestCrops(decoded.Plan.Geometry), sink), clips!);
    }

    /// <summary>One test crop: ffmpeg cuts the centre square and scales it to the crop size. Three crops: the whole
    /// frame with its short side resized, crops cut afterwards.</summary>
    internal FrameGeometry TestGeometry(int width, int height) => Contract.TestCrops == 1
        ? FrameGeometry.CentreCrop(width, height, Contract)
        : FrameGeometry.ResizeShortSide(width, height, Contract.ResizeShortSide);

    internal CropRegion[] TestCrops(FrameGeometry geometry) => Contract.TestCrops == 1
        ? [new CropRegion(0, 0, Contract.CropSize, Contract.CropSize)]
        : FrameGeometry.TestCrops(geometry.Width, geometry.Height, Contract.CropSize, Contract.TestCrops);

    /// <summary>Hands each (clip, crop) of <paramref name="rgb"/> (clip-major, T frames of <paramref name="geometry"/> per
    /// clip) to <paramref name="sink"/>; returns the samples handed.</summary>
    internal int EmitSamples(ReadOnlySpan<byte> rgb, int clips, FrameGeometry geometry, CropRegion[] crops, SampleSink sink)
    {
        var clipBytes = Contract.Frames * geometry.FrameBytes;
        for (var c = 0; c < clips; c++)
        {
            for (var m = 0; m < crops.Length; m++)
            {
                sink(rgb.Slice(c * clipBytes, clipBytes), geometry.Width, geometry.Height, crops[m], c * crops.Length + m);
            }
        }
        return clips * crops.Length;
    }

    /// <summary>A training clip: in one ffmpeg process when the probe is not cached and
    /// <see cref="MediaOptions.ProbeWhileDecoding"/> is on; otherwise (or when that read falls back) probe, then decode.
    /// A clip planned from a cached decoder-dump probe that does not read cleanly is read again with ffprobe's.</summary>
    private async Task<ClipReadResult> ReadTrainingAsync(string path, ClipAugmentation augmentation, int seed, SampleSink sink,
        CancellationToken ct)
    {
        if (Options.ProbeWhileDecoding && !Directory.Exists(path) && _probes?.TryGet(path, acceptDump: true) is null
            && await ReadTrainingInOneProcessAsync(path, augmentation, seed, sink, ct).ConfigureAwait(false) is { } read)
        {
            return read;
        }
        var input = await OpenAsync(path, ct, acceptDump: true).ConfigureAwait(false);
        if (input.Probe is { FromDecoderDump: true })
        {
            try
            {
                var planned = await ReadTrainingAsync(input, augmentation, seed, sink, ct).ConfigureAwait(false);
                if (planned.Warnings.Count == 0)
                {
                    return planned;
                }
            }
            catch (VideoInputException e) when (e.Reason is not (VideoInputError.Timeout or VideoInputError.ToolMissing))
            {
                // The estimate may be what failed; the exact probe decides.
            }
            input = await OpenAsync(path, ct).ConfigureAwait(false);
        }
        return await ReadTrainingAsync(input, augmentation, seed, sink, ct).ConfigureAwait(false);
    }

    private async Task<ClipReadResult> ReadTrainingAsync(OpenedInput input, ClipAugmentation augmentation, int seed,
        SampleSink sink, CancellationToken ct)
    {
        var shortVideo = ClipPlan.ShortVideoWarning(input.Path, input.FrameCount, Contract, Sampler.ShortVideo, Options.PadMissingFrames);
        var rng = new Random(seed);
        var indices = Sampler.TrainingFrameIndices(input.FrameCount, augmentation.TemporalJitter ? rng : null);
        var geometry = augmentation.PlanGeometry(input.Width, input.Height, Contract, rng);
        return await DecodeAsync(input, indices, geometry, [new CropRegion(0, 0, Contract.CropSize, Contract.CropSize)], shortVideo,
            sink, ct).ConfigureAwait(false);
    }

    /// <summary>The one-process training read (<see cref="ProbingFrameDecoder"/>), planned exactly as
    /// <see cref="ReadTrainingAsync(OpenedInput, ClipAugmentation, int, SampleSink, CancellationToken)"/> plans; null
    /// when it falls back. Videos shorter than a clip are left to the two-process read (their padding is decided from
    /// the exact frame count).</summary>
    private async Task<ClipReadResult?> ReadTrainingInOneProcessAsync(string path, ClipAugmentation augmentation, int seed,
        SampleSink sink, CancellationToken ct)
    {
        var decoded = await _probing.TryDecodeAsync(path, probe =>
        {
            if (probe.FrameCount < ClipPlan.FramesNeeded(Contract))
            {
                return null;
            }
            var rng = new Random(seed);
            var indices = Sampler.TrainingFrameIndices(probe.FrameCount, augmentation.TemporalJitter ? rng : null);
            var geometry = augmentation.PlanGeometry(probe.DisplayWidth, probe.DisplayHeight, Contract, rng);
            return new DecodePlan(indices, ClipSampler.ToTimestamps(indices, probe.NominalFrameRate), geometry);
        }, ct).ConfigureAwait(false);
        return decoded is null ? null : Emit(path, decoded, [new CropRegion(0, 0, Contract.CropSize, Contract.CropSize)], sink);
    }

    /// <summary>Remembers the probe of a one-process read, hands its (clip, crop) samples to <paramref name="sink"/> and
    /// returns its frame buffer to the pool.</summary>
    private ClipReadResult Emit(string path, ProbedDecode decoded, CropRegion[] crops, SampleSink sink)
    {
        try
        {
            _probes?.Remember(path, decoded.Probe);
            var (probe, plan) = (decoded.Probe, decoded.Plan);
            var buffer = decoded.Rgb.AsSpan(0, plan.Indices.Length * plan.Geometry.FrameBytes);
            var samples = EmitSamples(buffer, plan.Indices.Length / Contract.Frames, plan.Geometry, crops, sink);
            return new ClipReadResult(path, probe.DisplayWidth, probe.DisplayHeight, probe.FrameCount, plan.Indices,
                plan.Geometry, decoded.Result, samples);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(decoded.Rgb);
        }
    }

    private async Task<OpenedInput> OpenAsync(string path, CancellationToken ct, bool acceptDump = false)
    {
        if (Directory.Exists(path))
        {
            var folder = await _folders.OpenAsync(path, ct).ConfigureAwait(false);
            return new OpenedInput(path, null, folder, folder.Width, folder.Height, folder.FrameCount, Options.FrameFolderFrameRate);
        }
        var probe = _probes is null
            ? await FfprobeRunner.ProbeAsync(path, Options, ct).ConfigureAwait(false)
            : await _probes.GetOrProbeAsync(path, Options, ct, acceptDump).ConfigureAwait(false);
        return new OpenedInput(path, probe, null, probe.DisplayWidth, probe.DisplayHeight, probe.FrameCount, probe.NominalFrameRate);
    }

    private async Task<ClipReadResult> DecodeAsync(OpenedInput input, int[] indices, FrameGeometry geometry, CropRegion[] crops,
        string? shortVideo, SampleSink sink, CancellationToken ct)
    {
        var frameBytes = geometry.FrameBytes;
        var rgb = ArrayPool<byte>.Shared.Rent(checked(indices.Length * frameBytes));
        try
        {
            var buffer = rgb.AsMemory(0, indices.Length * frameBytes);
            var decode = input.Folder is { } folder
                ? await _folders.DecodeAsync(folder, indices, geometry, buffer, ct).ConfigureAwait(false)
                : await _videos.DecodeAsync(input.Probe!, ClipSampler.ToTimestamps(indices, input.Probe!.NominalFrameRate), geometry,
                    buffer, ct).ConfigureAwait(false);
            var samples = EmitSamples(buffer.Span, indices.Length / Contract.Frames, geometry, crops, sink);
            string?[] warnings = [shortVideo, decode.Warning];
            return new ClipReadResult(input.Path, input.Width, input.Height, input.FrameCount, indices, geometry, decode, samples)
            {
                Warnings = warnings.OfType<string>().ToArray(),
            };
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rgb);
        }
    }
}
