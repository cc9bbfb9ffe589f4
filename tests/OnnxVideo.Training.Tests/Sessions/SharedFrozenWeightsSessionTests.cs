using OnnxVideo.Models.Compilation;
using OnnxVideo.Models.Tuning;
using OnnxVideo.Models.Zoo;
using OnnxVideo.Packaging.Optimizers;
using OnnxVideo.Training.Packages;
using OnnxVideo.Training.Sessions;

namespace OnnxVideo.Training.Tests.Sessions;

/// <summary>
/// Frozen weights are given to every session of a package as one shared value. A video_vit's frozen position table
/// sits behind a Transpose, where ORT's transpose optimizer would rewrite it in place, under its name; the step must
/// still run, and compute the loss a package with nothing frozen computes on the same weights.
/// </summary>
public sealed class SharedFrozenWeightsSessionTests : IDisposable
{
    private static readonly VideoVitConfig Config = new() { Depth = 2, Width = 32, Heads = 4, Patch = 8, Tubelet = 2, DefaultFrames = 4, DefaultSize = 16 };
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("bitfit")]
    [InlineData("lora:r=2")]
    public void AStepWithAGradientThroughTheFrozenPositionTableRunsAndMatchesFullTuning(string tune)
    {
        var frozenPart = Step(tune);
        var nothingFrozen = Step("full");
        Assert.Equal(nothingFrozen, frozenPart, 5);
    }

    private float Step(string tune)
    {
        var model = ModelZoo.Build(new VideoVit(Config, "video_vit_test"), new ZooOptions { Classes = 3, Frames = 4, Size = 16, Seed = 4 });
        var directory = _dir.File(tune.Replace(':', '-').Replace('=', '-'));
        TrainingPackageWriter.Write(model, new TrainingPackageOptions
        {
            Tuning = TuningSpec.Parse(tune),
            Optimizer = OptimizerSettings.DefaultFor(OptimizerKind.AdamW),
        }, directory, "video_vit_test");
        var layout = PackageLayouts.Load(directory);
        var frozen = OnnxVideo.Packaging.TrainingPackage.Load(directory).Manifest.Frozen.Select(t => t.Name);
        Assert.Equal(tune != "full", frozen.Contains("videomae.embeddings.position_embeddings"));
        using var session = TrainingSession.Open(layout, new TrainingSessionOptions { IntraOpThreads = 1, LearningRate = 0f });
        var random = new Random(6);
        var video = Enumerable.Range(0, 2 * 4 * 3 * 16 * 16).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var step = session.TrainStep(video, [0, 2]);
        Assert.True(step.Applied && step.IsFinite, $"{tune}: loss {step.Loss}, gradient norm {step.GradientNorm}");
        return step.Loss;
    }
}
