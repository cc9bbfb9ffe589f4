using System.Runtime.InteropServices;
using OnnxVideo.Onnx.Safetensors;
using OnnxVideo.Training.Sessions;

namespace OnnxVideo.Training.Tests.Sessions;

/// <summary>
/// A package compiled with <c>InPlaceOptimizerState</c> guards its optimizer state, so the session keeps it in one buffer
/// updated in place (issue 17's memory): a non-finite step must still leave the AdamW state, like the weights, exactly as it was.
/// </summary>
public sealed class InPlaceOptimizerStateTests : IDisposable
{
    private readonly TinyFullTuningPackage _package = new(seed: 4, inPlaceOptimizerState: true);

    public void Dispose() => _package.Dispose();

    private static Dictionary<string, float[]> Values(IReadOnlyList<SafetensorsTensor> tensors) =>
        tensors.ToDictionary(t => t.Name, Floats);

    private static float[] Floats(SafetensorsTensor t) => MemoryMarshal.Cast<byte, float>(t.Data.Span).ToArray();

    [Fact]
    public void ANonFiniteStepLeavesTheInPlaceStateAndTheWeightsAsTheyWere()
    {
        Assert.True(_package.Layout.OptimizerStateGuarded);
        using var session = TrainingSession.Open(_package.Layout, new TrainingSessionOptions { LearningRate = 0.01f });
        var (video, labels) = TinyFullTuningPackage.Batch(1, 4);
        Assert.True(session.TrainStep(video, labels).Applied);
        Assert.True(session.TrainStep(video, labels).Applied);
        var state = Values(session.GetOptimizerState());
        var weights = Values(session.GetParameters());
        Assert.Contains(state.Values, s => s.Any(v => v != 0f));

        var bad = (float[])video.Clone();
        bad[7] = float.NaN;
        Assert.False(session.TrainStep(bad, labels).Applied);
        Assert.Equal(state, Values(session.GetOptimizerState()));
        Assert.Equal(weights, Values(session.GetParameters()));

        // The next finite step moves the state on from where it was.
        Assert.True(session.TrainStep(video, labels).Applied);
        Assert.NotEqual(state, Values(session.GetOptimizerState()));
        Assert.All(session.GetOptimizerState(), t => Assert.All(Floats(t), v => Assert.True(float.IsFinite(v))));
    }

    [Fact]
    public void AGuardedPackageStepsAsIfItsStateWereDoubleBuffered()
    {
        // The same three steps with the state in one buffer and in two (a layout that does not claim the guard).
        using var plain = new TinyFullTuningPackage(seed: 4);
        Assert.False(plain.Layout.OptimizerStateGuarded);
        var (video, labels) = TinyFullTuningPackage.Batch(2, 4);
        using var inPlace = TrainingSession.Open(_package.Layout);
        using var doubled = TrainingSession.Open(_package.Layout with { OptimizerStateGuarded = false });
        for (var k = 0; k < 3; k++)
        {
            Assert.Equal(doubled.TrainStep(video, labels).Loss, inPlace.TrainStep(video, labels).Loss);
        }
        Assert.Equal(Values(doubled.GetOptimizerState()), Values(inPlace.GetOptimizerState()));
        Assert.Equal(Values(doubled.GetParameters()), Values(inPlace.GetParameters()));
    }
}
