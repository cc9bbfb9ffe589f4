using OnnxVideo.Training.Data;
using OnnxVideo.Training.Loading;

namespace OnnxVideo.Training.Tests.Loading;

/// <summary>Writes sample = [index, seed, 0, …]; paths containing "broken" fail; tracks peak concurrency and reads.</summary>
internal sealed class FakeClipSource(int sampleElements = 4, int views = 1, bool deterministic = false) : IClipSource
{
    private int _active;
    private int _reads;
    public int PeakConcurrency;

    public int SampleElements => sampleElements;
    public int EvaluationViews => views;
    public bool TrainingIsDeterministic => deterministic;
    public int Reads => _reads;

    public async Task ReadTrainingAsync(VideoSample sample, int seed, Memory<float> destination, CancellationToken ct)
    {
        await Work(sample).ConfigureAwait(false);
        destination.Span.Clear();
        destination.Span[0] = Index(sample);
        destination.Span[1] = deterministic ? 0 : seed;
    }

    public async Task ReadEvaluationAsync(VideoSample sample, Memory<float> destination, CancellationToken ct)
    {
        await Work(sample).ConfigureAwait(false);
        for (var v = 0; v < views; v++)
        {
            destination.Span[v * sampleElements] = Index(sample);
            destination.Span[v * sampleElements + 1] = v;
        }
    }

    private async Task Work(VideoSample sample)
    {
        Interlocked.Increment(ref _reads);
        var now = Interlocked.Increment(ref _active);
        InterlockedMax(ref PeakConcurrency, now);
        await Task.Delay(2).ConfigureAwait(false);
        Interlocked.Decrement(ref _active);
        if (sample.Path.Contains("broken"))
        {
            throw new InvalidDataException("cannot decode");
        }
    }

    private static float Index(VideoSample sample) => int.Parse(Path.GetFileNameWithoutExtension(sample.Path).Split('-')[^1]);

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    public static List<VideoSample> Samples(int count, params int[] broken) =>
        Enumerable.Range(0, count).Select(i => new VideoSample(broken.Contains(i) ? $"/d/broken-{i}.mp4" : $"/d/clip-{i}.mp4", i % 3)).ToList();
}
