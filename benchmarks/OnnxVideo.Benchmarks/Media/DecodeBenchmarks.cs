using BenchmarkDotNet.Attributes;
using OnnxVideo.Media;

namespace OnnxVideo.Benchmarks.Media;

/// <summary>
/// Decode + sample + preprocess of a 10 s 640x360 h264 clip into one 16x112x112 NCTHW float sample, against the bare
/// ffmpeg command running the very same arguments and filter chain (select by timestamp, crop, scale, rgb24) to
/// <c>-f null</c>. One decoder thread and one filter thread on both sides.
/// <list type="bullet">
/// <item><c>FfmpegToNull</c> (baseline): ffmpeg alone, output discarded inside ffmpeg.</item>
/// <item><c>DecodeAndPreprocess</c>: our FfmpegFrameReader (rgb24 piped into a reused buffer) + ClipPreprocessor,
/// with the probe done once in setup, as a loader that already knows the video does.</item>
/// <item><c>ReadTestSample</c> / <c>ReadTestSampleTwoProcesses</c>: the whole VideoClipReader test read of a file whose
/// probe is not cached, as one ffmpeg process (the MP4's frame count from its sample tables) and as ffprobe + ffmpeg.</item>
/// <item><c>ReadTrainingSampleTwoProcesses</c> / <c>ReadTrainingSampleOneProcess</c>: a training read of a file whose
/// probe is not cached (the first epoch), as ffprobe + ffmpeg (<c>ProbeWhileDecoding = false</c>) and as one ffmpeg
/// process that plans from its own input dump.</item>
/// </list>
/// </summary>
[MemoryDiagnoser]
[Config(typeof(DecodeBenchmarkConfig))]
public class DecodeBenchmarks
{
    private static readonly PreprocessingContract Contract = new()
    {
        Frames = 16, Sampling = SamplingMode.UniformSegments, ResizeShortSide = 128, CropSize = 112,
    };

    private readonly MediaOptions _options = MediaOptions.Default with { DecoderThreads = 1 };
    private string _path = "";
    private VideoProbe _probe = null!;
    private double[] _times = [];
    private FrameGeometry _geometry = null!;
    private string[] _nullArguments = [];
    private byte[] _rgb = [];
    private float[] _sample = [];
    private FfmpegFrameReader _reader = null!;
    private ClipPreprocessor _preprocessor = null!;
    private VideoClipReader _oneProcess = null!;
    private VideoClipReader _twoProcesses = null!;

    [GlobalSetup]
    public void Setup()
    {
        _path = MediaBenchmarkClip.EnsureCreated();
        _probe = FfprobeRunner.ProbeAsync(_path, _options).GetAwaiter().GetResult();
        var sampler = new ClipSampler(Contract);
        _times = ClipSampler.ToTimestamps(sampler.TestFrameIndices(_probe.FrameCount), _probe.NominalFrameRate);
        _geometry = FrameGeometry.CentreCrop(_probe.DisplayWidth, _probe.DisplayHeight, Contract);
        _reader = new FfmpegFrameReader(_options);
        _preprocessor = new ClipPreprocessor(Contract);
        _oneProcess = new VideoClipReader(Contract, _options);
        _twoProcesses = new VideoClipReader(Contract, _options with { ProbeWhileDecoding = false });
        _rgb = new byte[_times.Length * _geometry.FrameBytes];
        _sample = new float[_preprocessor.SampleElements];

        // The same argument list our decoder runs, with the rawvideo pipe output swapped for the null muxer.
        var streamTimes = _times.Distinct().Order().Select(t => t + _probe.StartTime).ToArray();
        var arguments = _reader.BuildArguments(Path.GetFullPath(_path), _probe, streamTimes, 0.5 / _probe.NominalFrameRate, _geometry);
        var output = arguments.IndexOf("rawvideo") - 1;
        _nullArguments = [.. arguments.Take(output), "-f", "null", "-"];
    }

    [Benchmark(Baseline = true)]
    public void FfmpegToNull() => MediaBenchmarkClip.Run("ffmpeg", _nullArguments);

    [Benchmark]
    public async Task DecodeAndPreprocess()
    {
        await _reader.DecodeAsync(_probe, _times, _geometry, _rgb);
        _preprocessor.Process(_rgb, _sample);
    }

    [Benchmark]
    public Task ReadTestSample() => _oneProcess.ReadTestSamplesAsync(_path, _sample);

    [Benchmark]
    public Task ReadTestSampleTwoProcesses() => _twoProcesses.ReadTestSamplesAsync(_path, _sample);

    [Benchmark]
    public Task ReadTrainingSampleTwoProcesses() =>
        _twoProcesses.ReadTrainingSampleAsync(_path, new ClipAugmentation(), 1, _sample);

    [Benchmark]
    public Task ReadTrainingSampleOneProcess() =>
        _oneProcess.ReadTrainingSampleAsync(_path, new ClipAugmentation(), 1, _sample);
}
