using System.Buffers;

namespace OnnxVideo.Media;

/// <summary>
/// The one path from a video file or frame folder to model input, shared by training, evaluation and inference:
/// probe → sample frame indices (<see cref="ClipSampler"/>) → one ffmpeg pass with crop/scale in the filter graph
/// (<see cref="FfmpegFrameReader"/> / <see cref="FrameFolderReader"/>) → normalise (<see cref="ClipPreprocessor"/>).
/// Thread-safe; each call starts its own ffmpeg process (bounded by <see cref="MediaOptions.ProcessLimiter"/>).
/// </summary>
public sealed class VideoClipReader
{
    private delegate void SampleSink(ReadOnlySpan<byte> frames, int width, int height, CropRegion crop, int sample);

    private readonly FfmpegFrameReader _videos;
    private readonly FrameFolderReader _folders;
    private readonly ProbeCache? _probes;

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
        _probes = Options.CacheProbes ? new ProbeCache() : null;
    }

    public PreprocessingContract Contract { get; }
    public MediaOptions Options { get; }
    public ClipSampler Sampler { get; }
    public ClipPreprocessor Preprocessor { get; }
    /// <summary>Elements of one sample (3 × T × CropSize²).</summary>
    public int SampleElements => Preprocessor.SampleElements;
    /// <summary>Samples one evaluation/inference read writes: TestClips × TestCrops (clip-major), to be averaged.</summary>
    public int TestSamplesPerVideo => Contract.TestClips * Contract.TestCrops;

    /// <summary>Evaluation/inference: writes <see cref="TestSamplesPerVideo"/> consecutive samples (clip c, crop m at
    /// sample c × TestCrops + m) into <paramref name="destination"/>.</summary>
    public Task<ClipReadResult> ReadTestSamplesAsync(string path, Memory<float> destination, CancellationToken ct = default)
    {
        RequireLength(destination.Length, TestSamplesPerVideo);
        return ReadAsync(path, null, 0,
            (frames, w, h, crop, i) => Preprocessor.Process(frames, w, h, crop, destination.Span.Slice(i * SampleElements, SampleElements)),
            ct);
    }

    /// <inheritdoc cref="ReadTestSamplesAsync(string, Memory{float}, CancellationToken)"/>
    public Task<ClipReadResult> ReadTestSamplesAsync(string path, Memory<Half> destination, CancellationToken ct = default)
    {
        RequireLength(destination.Length, TestSamplesPerVideo);
        return ReadAsync(path, null, 0,
            (frames, w, h, crop, i) => Preprocessor.Process(frames, w, h, crop, destination.Span.Slice(i * SampleElements, SampleElements)),
            ct);
    }

    /// <summary>Training: one augmented sample into <paramref name="destination"/> (e.g. a batch slot,
    /// <c>batch.Slice(i * SampleElements, SampleElements)</c>). Same <paramref name="seed"/>, same clip.</summary>
    public Task<ClipReadResult> ReadTrainingSampleAsync(string path, ClipAugmentation augmentation, int seed,
        Memory<float> destination, CancellationToken ct = default)
    {
        RequireLength(destination.Length, 1);
        return ReadAsync(path, augmentation, seed,
            (frames, w, h, crop, _) => Preprocessor.Process(frames, w, h, crop, destination.Span), ct);
    }

    /// <inheritdoc cref="ReadTrainingSampleAsync(string, ClipAugmentation, int, Memory{float}, CancellationToken)"/>
    public Task<ClipReadResult> ReadTrainingSampleAsync(string path, ClipAugmentation augmentation, int seed,
        Memory<Half> destination, CancellationToken ct = default)
    {
        RequireLength(destination.Length, 1);
        return ReadAsync(path, augmentation, seed,
            (frames, w, h, crop, _) => Preprocessor.Process(frames, w, h, crop, destination.Span), ct);
    }

    private void RequireLength(int length, int samples)
    {
        if (length < samples * SampleElements)
        {
            throw new ArgumentException($"destination holds {length} elements, {samples} sample(s) of {SampleElements} needed");
        }
    }

    /// <summary>Says that a video shorter than a clip has its last frame repeated (or refuses it when padding is
    /// off); null when the video is long enough or short videos loop.</summary>
    private string? ShortVideoWarning(string path, long frameCount)
    {
        long needed = Contract.Sampling == SamplingMode.Dense ? Sampler.DenseSpan : Contract.Frames;
        if (frameCount >= needed || Sampler.ShortVideo != ShortVideoPolicy.RepeatLast)
        {
            return null;
        }
        var problem = $"the video has {frameCount} frame(s), a clip needs {needed}";
        if (!Options.PadMissingFrames)
        {
            throw new VideoInputException(path, VideoInputError.TooShort,
                $"{problem} (padding is off: MediaOptions.PadMissingFrames / --no-pad)");
        }
        return $"padded: {problem}; its last frame is repeated";
    }

    private async Task<ClipReadResult> ReadAsync(string path, ClipAugmentation? augmentation, int seed, SampleSink sink,
        CancellationToken ct)
    {
        var isFolder = Directory.Exists(path);
        VideoProbe? probe = null;
        FrameFolder? folder = null;
        int width, height;
        long frameCount;
        if (isFolder)
        {
            folder = await _folders.OpenAsync(path, ct).ConfigureAwait(false);
            (width, height, frameCount) = (folder.Width, folder.Height, folder.FrameCount);
        }
        else
        {
            probe = _probes is null
                ? await FfprobeRunner.ProbeAsync(path, Options, ct).ConfigureAwait(false)
                : await _probes.GetOrProbeAsync(path, Options, ct).ConfigureAwait(false);
            (width, height, frameCount) = (probe.DisplayWidth, probe.DisplayHeight, probe.FrameCount);
        }

        var shortVideo = ShortVideoWarning(path, frameCount);
        int[] indices;
        FrameGeometry geometry;
        CropRegion[] crops;
        var size = Contract.CropSize;
        if (augmentation is null)
        {
            indices = Sampler.TestFrameIndices(frameCount);
            geometry = Contract.TestCrops == 1
                ? FrameGeometry.CentreCrop(width, height, Contract)
                : FrameGeometry.ResizeShortSide(width, height, Contract.ResizeShortSide);
            crops = Contract.TestCrops == 1
                ? [new CropRegion(0, 0, size, size)]
                : FrameGeometry.TestCrops(geometry.Width, geometry.Height, size, Contract.TestCrops);
        }
        else
        {
            var rng = new Random(seed);
            indices = Sampler.TrainingFrameIndices(frameCount, augmentation.TemporalJitter ? rng : null);
            geometry = augmentation.PlanGeometry(width, height, Contract, rng);
            crops = [new CropRegion(0, 0, size, size)];
        }

        var frameBytes = geometry.FrameBytes;
        var rgb = ArrayPool<byte>.Shared.Rent(indices.Length * frameBytes);
        try
        {
            var buffer = rgb.AsMemory(0, indices.Length * frameBytes);
            var decode = folder is not null
                ? await _folders.DecodeAsync(folder, indices, geometry, buffer, ct).ConfigureAwait(false)
                : await _videos.DecodeAsync(probe!, ClipSampler.ToTimestamps(indices, probe!.NominalFrameRate), geometry,
                    buffer, ct).ConfigureAwait(false);
            var clipBytes = Contract.Frames * frameBytes;
            var clips = indices.Length / Contract.Frames;
            for (var c = 0; c < clips; c++)
            {
                for (var m = 0; m < crops.Length; m++)
                {
                    sink(rgb.AsSpan(c * clipBytes, clipBytes), geometry.Width, geometry.Height, crops[m], c * crops.Length + m);
                }
            }
            string?[] warnings = [shortVideo, decode.Warning];
            return new ClipReadResult(path, width, height, frameCount, indices, geometry, decode, clips * crops.Length)
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
