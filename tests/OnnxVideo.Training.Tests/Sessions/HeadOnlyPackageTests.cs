using OnnxVideo.Packaging.Tuning;
using OnnxVideo.Training.Packages;
using OnnxVideo.Training.Sessions;

namespace OnnxVideo.Training.Tests.Sessions;

public sealed class HeadOnlyPackageTests
{
    [Fact]
    public void SplitsAtTheHeadInputAndTheHeadGraphsGiveTheSameLogits()
    {
        using var dir = new TempDirectory();
        long[] shape = [3, 2, 2, 2];
        var rng = new Random(4);
        var w = Enumerable.Range(0, 24 * 3).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
        var package = LinearTrainingPackage.Write(dir.File("pkg"), shape, 3, Enumerable.Repeat(1f, 24).ToArray(), w, [0.1f, 0.2f, 0.3f]) with { Tuning = TuningKind.Head };

        var split = HeadOnlyPackage.TryCreate(package, dir.File("head"), out var reason);

        Assert.True(split is not null, reason);
        Assert.Equal([24L], split!.FeatureShape);
        var video = Enumerable.Range(0, 2 * 24).Select(i => (float)Math.Sin(i)).ToArray();
        using var full = TrainingSession.Open(package);
        using var head = TrainingSession.Open(split.Head);
        Assert.Equal([24L], head.SampleShape);
        // The linear backbone is the flattened (unit-scaled) clip, so the features equal the input.
        Assert.Equal(full.EvalStep(video, 2), head.EvalStep(video, 2));
        Assert.Null(HeadOnlyPackage.TryCreate(package with { Tuning = TuningKind.Full }, dir.File("x"), out var notHead));
        Assert.Contains("head only", notHead);
    }
}
