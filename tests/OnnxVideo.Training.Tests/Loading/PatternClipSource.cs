using OnnxVideo.Training.Data;
using OnnxVideo.Training.Loading;

namespace OnnxVideo.Training.Tests.Loading;

/// <summary>
/// Learnable stand-in for decoded clips: a per-class pattern plus noise drawn from the clip's seed (training) or its
/// path (evaluation, <paramref name="views"/> views). Paths containing "nan" yield NaN values; "broken" fails.
/// </summary>
internal sealed class PatternClipSource(int sampleElements, double noise = 0.6, int views = 1, bool deterministic = false) : IClipSource
{
    private int _reads;

    /// <summary>Clips read so far (training and evaluation).</summary>
    public int Reads => _reads;

    public int SampleElements => sampleElements;
    public int EvaluationViews => views;
    public bool TrainingIsDeterministic => deterministic;

    private float[] Pattern(int label) =>
        Enumerable.Range(0, sampleElements).Select(i => (float)Math.Sin((i + 1) * (label + 1) * 0.7)).ToArray();

    public Task ReadTrainingAsync(VideoSample sample, int seed, Memory<float> destination, CancellationToken ct)
    {
        Interlocked.Increment(ref _reads);
        Fill(sample, new Random(deterministic ? StableHash(sample.Path) : seed), destination.Span);
        return Task.CompletedTask;
    }

    public Task ReadEvaluationAsync(VideoSample sample, Memory<float> destination, CancellationToken ct)
    {
        Interlocked.Increment(ref _reads);
        var rng = new Random(StableHash(sample.Path));
        for (var v = 0; v < views; v++)
        {
            Fill(sample, rng, destination.Span.Slice(v * sampleElements, sampleElements));
        }
        return Task.CompletedTask;
    }

    private void Fill(VideoSample sample, Random rng, Span<float> destination)
    {
        if (sample.Path.Contains("broken"))
        {
            throw new InvalidDataException("cannot decode");
        }
        var pattern = Pattern(sample.Label);
        for (var i = 0; i < sampleElements; i++)
        {
            destination[i] = pattern[i] + (float)((rng.NextDouble() * 2 - 1) * noise);
        }
        if (sample.Path.Contains("nan"))
        {
            destination[0] = float.NaN;
        }
    }

    private static int StableHash(string text) => text.Aggregate(17, (h, c) => unchecked(h * 31 + c));

    public static VideoDataset Dataset(int perClass, int classes, string prefix = "/clips", params string[] specialNames)
    {
        var samples = new List<VideoSample>();
        for (var c = 0; c < classes; c++)
        {
            for (var i = 0; i < perClass; i++)
            {
                samples.Add(new VideoSample($"{prefix}/c{c}/clip{i}.mp4", c));
            }
        }
        samples.AddRange(specialNames.Select(n => new VideoSample($"{prefix}/c0/{n}.mp4", 0)));
        return new VideoDataset(prefix, Enumerable.Range(0, classes).Select(c => $"class{c}").ToArray(), samples);
    }
}
