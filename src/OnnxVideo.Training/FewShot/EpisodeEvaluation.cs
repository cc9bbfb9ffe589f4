using OnnxVideo.Training.Data;
using OnnxVideo.Training.Loading;

namespace OnnxVideo.Training.FewShot;

/// <summary>
/// Few-shot episode evaluation on a labelled set: every clip is embedded once; each episode draws <c>ways</c> classes
/// (among those with at least shots + queries clips), <c>shots</c> support and <c>queries</c> query clips per class,
/// builds the prototypes from the support and classifies the queries. Clips that cannot be read are left out.
/// </summary>
public static class EpisodeEvaluation
{
    public static async Task<EpisodeResult> RunAsync(ClipEmbedder embedder, VideoDataset data, EpisodeOptions options, CancellationToken ct = default)
    {
        Validate(options, data.Classes.Count, data.Source);
        var (features, failures) = await embedder.EmbedAsync(data.Samples, ct).ConfigureAwait(false);
        var kept = Enumerable.Range(0, data.Count).Where(i => features[i] is not null).ToList();
        var result = Run(kept.Select(i => features[i]!).ToList(), kept.Select(i => data.Samples[i].Label).ToList(), data.Classes.Count, options, data.Source);
        return result with { Failures = failures };
    }

    /// <summary>Episodes over embeddings already computed.</summary>
    public static EpisodeResult Run(IReadOnlyList<float[]> features, IReadOnlyList<int> labels, int classCount, EpisodeOptions options, string source = "data")
    {
        Validate(options, classCount, source);
        var needed = options.Shots + options.Queries;
        var byClass = Enumerable.Range(0, classCount).Select(c => Enumerable.Range(0, labels.Count).Where(i => labels[i] == c).ToArray()).ToArray();
        var eligible = Enumerable.Range(0, classCount).Where(c => byClass[c].Length >= needed).ToArray();
        if (eligible.Length < options.Ways)
        {
            throw new FewShotException(source, $"only {eligible.Length} class(es) have the {needed} clips (--shots {options.Shots} + --queries {options.Queries}) "
                + $"an episode takes per class, fewer than --ways {options.Ways}");
        }
        var rng = new Random(options.Seed);
        var accuracies = new double[options.Episodes];
        for (var e = 0; e < options.Episodes; e++)
        {
            var classes = Shuffled(eligible, rng).Take(options.Ways).ToArray();
            var support = new List<(float[], int)>();
            var queries = new List<(float[], int)>();
            for (var w = 0; w < classes.Length; w++)
            {
                var clips = Shuffled(byClass[classes[w]], rng);
                support.AddRange(clips.Take(options.Shots).Select(i => (features[i], w)));
                queries.AddRange(clips.Skip(options.Shots).Take(options.Queries).Select(i => (features[i], w)));
            }
            var prototypes = PrototypeSet.Build(support.Select(s => s.Item1).ToList(), support.Select(s => s.Item2).ToList(), options.Ways, options.Metric);
            accuracies[e] = queries.Count(q => prototypes.Predict(q.Item1) == q.Item2) / (double)queries.Count;
        }
        var mean = accuracies.Average();
        var std = options.Episodes > 1 ? Math.Sqrt(accuracies.Sum(a => (a - mean) * (a - mean)) / (options.Episodes - 1)) : 0;
        return new EpisodeResult(options.Episodes, options.Ways, options.Shots, options.Queries, mean, std, 1.96 * std / Math.Sqrt(options.Episodes),
            features.Count, []);
    }

    private static void Validate(EpisodeOptions options, int classCount, string source)
    {
        foreach (var (flag, value) in new[] { ("--episodes", options.Episodes), ("--ways", options.Ways), ("--shots", options.Shots), ("--queries", options.Queries) })
        {
            if (value < 1)
            {
                throw new FewShotException(flag, $"must be at least 1 (got {value})");
            }
        }
        if (options.Ways > classCount)
        {
            throw new FewShotException("--ways", $"{options.Ways} is more than the {classCount} classes of {source}");
        }
    }

    private static int[] Shuffled(int[] items, Random rng)
    {
        var copy = (int[])items.Clone();
        rng.Shuffle(copy);
        return copy;
    }
}
