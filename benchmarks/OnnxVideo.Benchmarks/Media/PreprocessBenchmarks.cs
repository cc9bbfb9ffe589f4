using BenchmarkDotNet.Attributes;
using OnnxVideo.Media;

namespace OnnxVideo.Benchmarks.Media;

/// <summary>
/// Preprocessing alone: 16 decoded rgb24 frames of 112×112 (already scaled and cropped by ffmpeg) into one normalised
/// float32 sample, NCTHW and NTCHW. The decode it follows is in <see cref="DecodeBenchmarks"/>.
/// </summary>
[Config(typeof(InProcessShortConfig))]
public class PreprocessBenchmarks
{
    private ClipPreprocessor _preprocessor = null!;
    private byte[] _rgb = [];
    private float[] _sample = [];

    [Params(TensorLayout.NCTHW, TensorLayout.NTCHW)]
    public TensorLayout Layout { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _preprocessor = new ClipPreprocessor(new PreprocessingContract { Frames = 16, ResizeShortSide = 128, CropSize = 112, Layout = Layout });
        _rgb = new byte[16 * 112 * 112 * 3];
        new Random(0).NextBytes(_rgb);
        _sample = new float[_preprocessor.SampleElements];
    }

    [Benchmark]
    public void Normalise() => _preprocessor.Process(_rgb, _sample);
}
