using System.Buffers;
using System.Diagnostics;
using OnnxVideo.Media;

namespace OnnxVideo.Runtime;

/// <summary>
/// Turns one input into preprocessed clip tensors in pooled buffers. Files and frame folders are read by
/// <see cref="VideoClipReader"/>, the same planning, decoding and preprocessing that evaluation and training use;
/// frames the application already has are planned the same way, cropped and scaled here.
/// </summary>
internal sealed class ClipExtractor
{
    private readonly PreprocessingContract _contract;
    private readonly VideoClipReader _reader;
    private readonly ClipBufferPool _pool;
    private readonly VideoClassifierOptions _options;

    public ClipExtractor(PreprocessingContract contract, ClipBufferPool pool, VideoClassifierOptions options)
    {
        _contract = contract;
        _pool = pool;
        _options = options;
        // Missing frames are filled in (and reported) unless either the classifier's or the media options say no.
        var padding = options.PadShortVideos && options.Media.PadMissingFrames;
        _reader = new VideoClipReader(contract, options.Media with { PadMissingFrames = padding });
    }

    public async Task<PreparedItem> FromFileAsync(string path, CancellationToken ct)
    {
        long started = Stopwatch.GetTimestamp();
        var sink = new PooledSamples(_reader, _pool);
        try
        {
            var read = await _reader.ReadTestClipsAsync(path, _options.Window, _options.WindowStride, sink.Add, ct).ConfigureAwait(false);
            var decode = Stopwatch.GetElapsedTime(started) - sink.Preprocess;
            return sink.ToItem(path, read.Plan, decode, TimeSpan.Zero) with { Warnings = read.Read.Warnings };
        }
        catch
        {
            sink.ReturnAll();
            throw;
        }
    }

    public PreparedItem FromFrames(RgbFrames input)
    {
        if (input.Problem() is { } problem)
        {
            throw new InvalidFramesException(input.Name, problem);
        }
        long started = Stopwatch.GetTimestamp();
        var plan = ClipPlan.Create(input.Name, input.Frames.Count, input.FrameRate, _contract, ShortVideoPolicy.RepeatLast,
            _options.PadShortVideos, _options.Window, _options.WindowStride);
        var geometry = _reader.TestGeometry(input.Width, input.Height);
        var region = geometry.SourceCrop ?? new CropRegion(0, 0, input.Width, input.Height);
        var frames = ArrayPool<byte>.Shared.Rent(checked(plan.FrameIndices.Length * geometry.FrameBytes));
        var sink = new PooledSamples(_reader, _pool);
        try
        {
            for (int i = 0; i < plan.FrameIndices.Length; i++)
            {
                RgbScaler.ScaleRegion(input.Frames[plan.FrameIndices[i]].Span, input.Width, input.Height,
                    region.X, region.Y, region.Width, region.Height,
                    frames.AsSpan(i * geometry.FrameBytes, geometry.FrameBytes), geometry.Width, geometry.Height);
            }
            var scale = Stopwatch.GetElapsedTime(started);
            _reader.EmitSamples(frames.AsSpan(0, plan.FrameIndices.Length * geometry.FrameBytes), plan.ClipCount, geometry,
                _reader.TestCrops(geometry), sink.Add);
            var prepared = sink.ToItem(input.Name, plan, TimeSpan.Zero, scale);
            return plan.Warning is { } warning ? prepared with { Warnings = [warning] } : prepared;
        }
        catch
        {
            sink.ReturnAll();
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frames);
        }
    }
}
