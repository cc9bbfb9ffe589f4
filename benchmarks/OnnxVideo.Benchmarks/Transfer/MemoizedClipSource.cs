using System.Collections.Concurrent;
using OnnxVideo.Training.Data;
using OnnxVideo.Training.Loading;

namespace OnnxVideo.Benchmarks.Transfer;

/// <summary>
/// Keeps every decoded clip of a deterministic source by path, so the experiment's many runs over the same clips
/// decode each once: the table then times training, not ffmpeg start-up.
/// </summary>
internal sealed class MemoizedClipSource(IClipSource inner) : IClipSource
{
    private readonly ConcurrentDictionary<string, float[]> _training = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, float[]> _evaluation = new(StringComparer.Ordinal);

    public int SampleElements => inner.SampleElements;
    public int EvaluationViews => inner.EvaluationViews;
    public bool TrainingIsDeterministic => inner.TrainingIsDeterministic;

    public Task ReadTrainingAsync(VideoSample sample, int seed, Memory<float> destination, CancellationToken ct) =>
        ReadAsync(_training, sample.Path, destination, d => inner.ReadTrainingAsync(sample, seed, d, ct));

    public Task ReadEvaluationAsync(VideoSample sample, Memory<float> destination, CancellationToken ct) =>
        ReadAsync(_evaluation, sample.Path, destination, d => inner.ReadEvaluationAsync(sample, d, ct));

    private static async Task ReadAsync(ConcurrentDictionary<string, float[]> cache, string path, Memory<float> destination,
        Func<Memory<float>, Task> read)
    {
        if (cache.TryGetValue(path, out var cached))
        {
            cached.CopyTo(destination);
            return;
        }
        await read(destination);
        cache.TryAdd(path, destination.ToArray());
    }
}
