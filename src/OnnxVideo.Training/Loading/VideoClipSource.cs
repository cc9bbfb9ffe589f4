using OnnxVideo.Media;
using OnnxVideo.Training.Data;

namespace OnnxVideo.Training.Loading;

/// <summary>
/// Reads clips with ffmpeg through <see cref="VideoClipReader"/>, the path shared with evaluation and inference. Probes
/// are cached (<see cref="MediaOptions.CacheProbes"/>) unless <c>options</c> says otherwise: epochs read the same files.
/// </summary>
public sealed class VideoClipSource : IClipSource
{
    private readonly VideoClipReader _reader;
    private readonly ClipAugmentation _augmentation;

    public VideoClipSource(PreprocessingContract contract, ClipAugmentation? augmentation = null, MediaOptions? options = null)
    {
        _augmentation = augmentation ?? new ClipAugmentation();
        _augmentation.Validate();
        _reader = new VideoClipReader(contract, options ?? MediaOptions.Default with { CacheProbes = true });
    }

    public PreprocessingContract Contract => _reader.Contract;
    public int SampleElements => _reader.SampleElements;
    public int EvaluationViews => _reader.TestSamplesPerVideo;
    public bool TrainingIsDeterministic =>
        !_augmentation.RandomResizedCrop && !_augmentation.TemporalJitter && !_augmentation.HorizontalFlip;

    public Task ReadTrainingAsync(VideoSample sample, int seed, Memory<float> destination, CancellationToken ct) =>
        _reader.ReadTrainingSampleAsync(sample.Path, _augmentation, seed, destination, ct);

    public Task ReadEvaluationAsync(VideoSample sample, Memory<float> destination, CancellationToken ct) =>
        _reader.ReadTestSamplesAsync(sample.Path, destination, ct);
}
