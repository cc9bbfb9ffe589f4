using System.Runtime.InteropServices;
using OnnxVideo.Media;
using OnnxVideo.Training.Packages;
using OnnxVideo.Training.Sessions;
using OnnxVideo.Training.Tests.EndToEnd;

namespace OnnxVideo.Training.Tests.Sessions;

/// <summary>The session feeds each step's dropout seed from the run seed, the step and the micro-batch.</summary>
public sealed class DropoutSessionTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly TrainingPackageLayout _layout;

    public DropoutSessionTests()
    {
        var contract = new PreprocessingContract { Frames = 2, CropSize = 4, ResizeShortSide = 4, Labels = ["a", "b", "c"] };
        _layout = PackageLayouts.Load(DropoutLinearPackage.Write(_dir.File("pkg"), contract));
    }

    public void Dispose() => _dir.Dispose();

    private static (float[] Video, int[] Labels) Batch()
    {
        var random = new Random(2);
        return (Enumerable.Range(0, 4 * 3 * 2 * 4 * 4).Select(_ => (float)random.NextDouble()).ToArray(), [0, 1, 2, 1]);
    }

    private Dictionary<string, float[]> StepOnce(int runSeed, bool accumulate)
    {
        using var session = TrainingSession.Open(_layout, new TrainingSessionOptions { DropoutSeed = runSeed, IntraOpThreads = 1, LearningRate = 0.5f });
        var (video, labels) = Batch();
        if (accumulate)
        {
            Assert.True(session.AccumulateGradients(video, labels).Applied);
            Assert.True(session.OptimizerStep().Applied);
        }
        else
        {
            Assert.True(session.TrainStep(video, labels).Applied);
        }
        return session.GetParameters().ToDictionary(t => t.Name, t => MemoryMarshal.Cast<byte, float>(t.Data.Span).ToArray());
    }

    [Fact]
    public void TheRunSeedFixesTheMasksAndTheGradientsGraphDrawsTheFusedStepsMasks()
    {
        Assert.Equal("dropout_seed", _layout.Names.DropoutSeed);
        var fused = StepOnce(3, accumulate: false);
        Assert.Equal(fused["W"], StepOnce(3, accumulate: false)["W"]);
        Assert.NotEqual(fused["W"], StepOnce(4, accumulate: false)["W"]);
        // One micro-batch is the fused step: the same seed (step 1, micro-batch 0) gives the same masks in both graphs.
        Assert.Equal(fused["W"], StepOnce(3, accumulate: true)["W"], new ToleranceComparer(1e-6f, 1e-5f));
    }

    [Fact]
    public void SeedsDependOnRunStepAndMicroBatchAndStayInTheHashsRange()
    {
        var seeds = new[] { DropoutSeedInput.For(0, 1, 0), DropoutSeedInput.For(1, 1, 0), DropoutSeedInput.For(0, 2, 0), DropoutSeedInput.For(0, 1, 1) };
        Assert.Equal(seeds.Length, seeds.Distinct().Count());
        Assert.All(Enumerable.Range(0, 1000).Select(k => DropoutSeedInput.For(k, k * 7, k % 3)), s => Assert.InRange(s, 1, 2147483646));
    }
}
