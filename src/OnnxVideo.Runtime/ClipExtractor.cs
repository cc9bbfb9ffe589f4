using System.Buffers;
using System.Diagnostics;
using OnnxVideo.Media;

namespace OnnxVideo.Runtime;

/// <summary>
/// Turns one input (a video file, or frames the application has) into preprocessed clip tensors: plans the clips,
/// gets the frames (ffmpeg picks, crops and scales them; application frames are cropped and scaled here), then
/// normalises each (clip, crop) into a pooled buffer.
/// </summary>
internal sealed class ClipExtractor
{
    private readonly PreprocessingContract _contract;
    private readonly ClipPreprocessor _preprocessor;
    private readonly FfmpegFrameReader _reader;
    private readonly ClipBufferPool _pool;
    private readonly VideoClassifierOptions _options;
    private readonly int _crops;

    public ClipExtractor(PreprocessingContract contract, int crops, ClipBufferPool pool, VideoClassifierOptions options)
    {
        _contract = contract;
        _crops = crops;
        _pool = pool;
        _options = options;
        _preprocessor = new ClipPreprocessor(contract);
        _reader = new FfmpegFrameReader(Padding ? options.Media : options.Media with { PadMissingFrames = false });
    }

    /// <summary>Whether missing frames are filled in (and reported): off when either the classifier's or the media
    /// options say so.</summary>
    private bool Padding => _options.PadShortVideos && _options.Media.PadMissingFrames;

    public async Task<PreparedItem> FromFileAsync(string path, CancellationToken ct)
    {
        long started = Stopwatch.GetTimestamp();
        var probe = await FfprobeRunner.ProbeAsync(path, _options.Media, ct).ConfigureAwait(false);
        var plan = ClipPlan.Create(path, probe.FrameCount, probe.NominalFrameRate, _contract, Padding,
            _options.Window, _options.WindowStride);
        var geometry = Geometry(probe.DisplayWidth, probe.DisplayHeight);
        var timestamps = ClipSampler.ToTimestamps(plan.FrameIndices, probe.NominalFrameRate);
        var frames = ArrayPool<byte>.Shared.Rent(checked(plan.FrameIndices.Length * geometry.FrameBytes));
        try
        {
            var decoded = await _reader.DecodeAsync(probe, timestamps, geometry, frames, ct).ConfigureAwait(false);
            var decode = Stopwatch.GetElapsedTime(started);
            string?[] warnings = [plan.Warning, decoded.Warning];
            return Preprocess(path, plan, frames, geometry, decode) with { Warnings = warnings.OfType<string>().ToArray() };
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frames);
        }
    }

    public PreparedItem FromFrames(RgbFrames input)
    {
        if (input.Problem() is { } problem)
        {
            throw new InvalidFramesException(input.Name, problem);
        }
        long started = Stopwatch.GetTimestamp();
        var plan = ClipPlan.Create(input.Name, input.Frames.Count, input.FrameRate, _contract, _options.PadShortVideos,
            _options.Window, _options.WindowStride);
        var geometry = Geometry(input.Width, input.Height);
        var region = geometry.SourceCrop ?? new CropRegion(0, 0, input.Width, input.Height);
        var frames = ArrayPool<byte>.Shared.Rent(checked(plan.FrameIndices.Length * geometry.FrameBytes));
        try
        {
            for (int i = 0; i < plan.FrameIndices.Length; i++)
            {
                RgbScaler.ScaleRegion(input.Frames[plan.FrameIndices[i]].Span, input.Width, input.Height,
                    region.X, region.Y, region.Width, region.Height,
                    frames.AsSpan(i * geometry.FrameBytes, geometry.FrameBytes), geometry.Width, geometry.Height);
            }
            var scale = Stopwatch.GetElapsedTime(started);
            var prepared = Preprocess(input.Name, plan, frames, geometry, TimeSpan.Zero, scale);
            return plan.Warning is { } warning ? prepared with { Warnings = [warning] } : prepared;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frames);
        }
    }

    /// <summary>One crop: ffmpeg cuts the centre square and scales it to the crop size. Three crops: the whole frame
    /// with its short side resized, crops cut afterwards.</summary>
    private FrameGeometry Geometry(int width, int height) => _crops == 1
        ? FrameGeometry.CentreCrop(width, height, _contract)
        : FrameGeometry.ResizeShortSide(width, height, _contract.ResizeShortSide);

    private PreparedItem Preprocess(string source, ClipPlan plan, byte[] frames, FrameGeometry geometry, TimeSpan decode,
        TimeSpan alreadySpent = default)
    {
        long started = Stopwatch.GetTimestamp();
        var crops = _crops == 1
            ? [new CropRegion(0, 0, geometry.Width, geometry.Height)]
            : FrameGeometry.TestCrops(geometry.Width, geometry.Height, _contract.CropSize, _crops);
        int t = _contract.Frames;
        int clipBytes = t * geometry.FrameBytes;
        var clips = new List<PreparedClip>(plan.ClipCount * crops.Length);
        try
        {
            for (int c = 0; c < plan.ClipCount; c++)
            {
                var clipFrames = frames.AsSpan(c * clipBytes, clipBytes);
                for (int k = 0; k < crops.Length; k++)
                {
                    var tensor = _pool.Rent();
                    clips.Add(new PreparedClip(c, k, plan.Starts[c], plan.Ends[c], tensor));
                    _preprocessor.Process(clipFrames, geometry.Width, geometry.Height, crops[k], tensor);
                }
            }
        }
        catch
        {
            foreach (var clip in clips)
            {
                _pool.Return(clip.Tensor);
            }
            throw;
        }
        var preprocess = alreadySpent + Stopwatch.GetElapsedTime(started);
        return new PreparedItem(source, clips, plan.ClipCount, decode, preprocess, plan.IsTimeline);
    }
}
