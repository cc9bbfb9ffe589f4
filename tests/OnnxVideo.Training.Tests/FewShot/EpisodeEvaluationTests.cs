using OnnxVideo.Training.Data;
using OnnxVideo.Training.FewShot;

namespace OnnxVideo.Training.Tests.FewShot;

public sealed class EpisodeEvaluationTests
{
    /// <summary><paramref name="perClass"/> clips per class, class c's features near the unit vector e_c (plus <paramref name="noise"/>).</summary>
    private static (List<float[]> Features, List<int> Labels) Clusters(int classes, int perClass, double noise, int seed = 1)
    {
        var rng = new Random(seed);
        var features = new List<float[]>();
        var labels = new List<int>();
        for (var c = 0; c < classes; c++)
        {
            for (var i = 0; i < perClass; i++)
            {
                features.Add(Enumerable.Range(0, classes).Select(d => (float)((d == c ? 1 : 0) + noise * (rng.NextDouble() * 2 - 1))).ToArray());
                labels.Add(c);
            }
        }
        return (features, labels);
    }

    [Fact]
    public void Separable_classes_score_every_episode_perfectly()
    {
        var (features, labels) = Clusters(6, 5, 0.1);
        var result = EpisodeEvaluation.Run(features, labels, 6, new EpisodeOptions { Episodes = 20, Ways = 5, Shots = 1, Queries = 3 });
        Assert.Equal(1.0, result.MeanAccuracy);
        Assert.Equal(0.0, result.Ci95);
    }

    [Fact]
    public void Noisy_classes_report_the_spread_as_a_95_percent_interval()
    {
        var (features, labels) = Clusters(5, 8, 1.2);
        var options = new EpisodeOptions { Episodes = 40, Ways = 5, Shots = 1, Queries = 2, Seed = 3, Metric = FewShotMetric.Euclidean };
        var result = EpisodeEvaluation.Run(features, labels, 5, options);
        Assert.InRange(result.MeanAccuracy, 0.0, 0.999);
        Assert.True(result.StdDev > 0);
        Assert.Equal(1.96 * result.StdDev / Math.Sqrt(40), result.Ci95, 12);
        // Seeded: the same draws again.
        Assert.Equal(result, EpisodeEvaluation.Run(features, labels, 5, options));
    }

    [Fact]
    public void More_ways_than_classes_is_refused_naming_the_flag()
    {
        var (features, labels) = Clusters(3, 4, 0.1);
        var error = Assert.Throws<FewShotException>(() => EpisodeEvaluation.Run(features, labels, 3, new EpisodeOptions { Ways = 5 }, "novel/"));
        Assert.Equal("--ways", error.Input);
        Assert.Contains("3 classes of novel/", error.Problem);
    }

    [Fact]
    public void Classes_too_small_for_shots_plus_queries_are_refused()
    {
        var (features, labels) = Clusters(5, 3, 0.1);
        var error = Assert.Throws<FewShotException>(() =>
            EpisodeEvaluation.Run(features, labels, 5, new EpisodeOptions { Ways = 5, Shots = 2, Queries = 2 }, "novel/"));
        Assert.Equal("novel/", error.Input);
    }

    [Fact]
    public void Support_selection_refuses_fewer_clips_than_shots_and_empty_classes()
    {
        VideoSample[] samples = [new("a/1.mp4", 0), new("a/2.mp4", 0), new("b/1.mp4", 1)];
        var data = new VideoDataset("support/", ["a", "b"], samples);
        Assert.Equal(2, FewShotPrototypes.SelectShots(data, 1, seed: 0).Count);
        var tooFew = Assert.Throws<FewShotException>(() => FewShotPrototypes.SelectShots(data, 2, seed: 0));
        Assert.Equal("support/", tooFew.Input);
        Assert.Contains("class 'b' has 1 support clip(s), fewer than --shots 2", tooFew.Problem);
        var empty = new VideoDataset("support/", ["a", "b", "c"], samples);
        var none = Assert.Throws<FewShotException>(() => FewShotPrototypes.SelectShots(empty, null, seed: 0));
        Assert.Contains("class 'c' has no support clips", none.Problem);
    }
}
