using System.Runtime.InteropServices;
using OnnxVideo.Onnx.Safetensors;
using OnnxVideo.Training.Checkpoints;
using OnnxVideo.Training.Packages;
using OnnxVideo.Training.Sessions;

namespace OnnxVideo.Training.Tests.Sessions;

/// <summary>Soft targets through the session's step paths, and the EMA of the weights through steps and checkpoints.</summary>
public sealed class SoftTargetSessionTests : IDisposable
{
    private const int Classes = 3;
    private static readonly long[] SampleShape = [3, 2, 2, 2];
    private const int Features = 24;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private TrainingPackageLayout Package(bool softTargets)
    {
        var rng = new Random(3);
        var w = Enumerable.Range(0, Features * Classes).Select(_ => (float)(rng.NextDouble() - 0.5) * 0.2f).ToArray();
        return LinearTrainingPackage.Write(_dir.File(softTargets ? "soft" : "labels"), SampleShape, Classes, Enumerable.Repeat(1f, Features).ToArray(),
            w, [0.1f, -0.2f, 0.05f], softTargets);
    }

    private static (float[] Video, int[] Labels, float[] Targets) Batch(int seed, int n)
    {
        var rng = new Random(seed);
        var video = Enumerable.Range(0, n * Features).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var labels = Enumerable.Range(0, n).Select(_ => rng.Next(Classes)).ToArray();
        var targets = new float[n * Classes];
        for (var i = 0; i < n; i++)
        {
            targets[i * Classes + labels[i]] += 0.6f;
            targets[i * Classes + (labels[i] + 1) % Classes] += 0.4f;
        }
        return (video, labels, targets);
    }

    private static Dictionary<string, float[]> Floats(IEnumerable<SafetensorsTensor> tensors) =>
        tensors.ToDictionary(t => t.Name, t => MemoryMarshal.Cast<byte, float>(t.Data.Span).ToArray());

    private static TrainingSessionOptions Options(double? ema = null) => new() { LearningRate = 0.3f, IntraOpThreads = 1, EmaDecay = ema };

    [Fact]
    public void SoftTargetsAccumulatedOverMicroBatchesTrainLikeOneStepOnTheWholeBatch()
    {
        var package = Package(softTargets: true);
        var (video, labels, targets) = Batch(1, 4);
        using var fused = TrainingSession.Open(package, Options(ema: 0.5));
        using var accumulated = TrainingSession.Open(package, Options(ema: 0.5));
        using var oneHot = TrainingSession.Open(package, Options());

        var step = fused.TrainStep(video, labels, targets);
        var half = video.Length / 2;
        accumulated.AccumulateGradients(video.AsMemory(0, half), labels.AsSpan(0, 2), targets.AsSpan(0, 2 * Classes));
        accumulated.AccumulateGradients(video.AsMemory(half), labels.AsSpan(2), targets.AsSpan(2 * Classes));
        Assert.True(accumulated.OptimizerStep().Applied);
        var hard = oneHot.TrainStep(video, labels);

        Assert.True(step.Applied);
        Assert.NotEqual(hard.Loss, step.Loss);
        var expected = Floats(fused.GetParameters());
        foreach (var (name, values) in Floats(accumulated.GetParameters()))
        {
            Assert.Equal(expected[name], values, new ToleranceComparer(1e-6f, 1e-5f));
        }
        var fusedAverage = Floats(fused.GetAveragedWeights()!);
        foreach (var (name, values) in Floats(accumulated.GetAveragedWeights()!))
        {
            Assert.Equal(fusedAverage[name], values, new ToleranceComparer(1e-6f, 1e-5f));
        }
        Assert.Null(oneHot.GetAveragedWeights());
    }

    [Fact]
    public void TheAverageFollowsTheWeightsByItsDecayAndIsEvaluated()
    {
        var package = Package(softTargets: false);
        using var session = TrainingSession.Open(package, Options(ema: 0.75));
        var initial = Floats(session.GetParameters());
        Assert.Equal(initial["W"], Floats(session.GetAveragedWeights()!)["W"]);
        var (video, labels, _) = Batch(2, 4);
        var expected = initial;
        for (var k = 0; k < 3; k++)
        {
            session.TrainStep(video, labels);
            var weights = Floats(session.GetParameters());
            expected = expected.ToDictionary(e => e.Key, e => e.Value.Zip(weights[e.Key], (a, w) => a * 0.75f + w * 0.25f).ToArray());
        }
        var averages = Floats(session.GetAveragedWeights()!);
        foreach (var name in new[] { "W", "b" })
        {
            Assert.Equal(expected[name], averages[name], new ToleranceComparer(1e-7f, 1e-6f));
        }

        // Eval runs on the averages: the same logits as a session holding the averages as its weights.
        using var plain = TrainingSession.Open(package, Options());
        plain.SetParameters(averages);
        Assert.Equal(plain.EvalStep(video, labels).Logits, session.EvalStep(video, labels).Logits);
    }

    [Fact]
    public void CheckpointsKeepTheAverageAndOnesWithoutItStartItAtTheirWeights()
    {
        var package = Package(softTargets: false);
        var store = new CheckpointStore(_dir.File("checkpoints"));
        var (video, labels, _) = Batch(3, 4);
        using (var session = TrainingSession.Open(package, Options(ema: 0.9)))
        {
            session.TrainStep(video, labels);
            session.TrainStep(video, labels);
            session.SaveCheckpoint(store, epoch: 0);
            using var resumed = TrainingSession.Open(package, Options(ema: 0.9), store.Open(2));
            Assert.Equal(Floats(session.GetAveragedWeights()!)["W"], Floats(resumed.GetAveragedWeights()!)["W"]);
            Assert.NotEqual(Floats(resumed.GetParameters())["W"], Floats(resumed.GetAveragedWeights()!)["W"]);
        }
        using (var withoutAverage = TrainingSession.Open(package, Options()))
        {
            withoutAverage.TrainStep(video, labels);
            withoutAverage.SaveCheckpoint(store, epoch: 0);
        }
        using var started = TrainingSession.Open(package, Options(ema: 0.9), store.Open(1));
        Assert.Equal(Floats(started.GetParameters())["W"], Floats(started.GetAveragedWeights()!)["W"]);
    }

    [Fact]
    public void SoftTargetsNeedAPackageWhoseGraphsTakeThem()
    {
        using var session = TrainingSession.Open(Package(softTargets: false), Options());
        Assert.False(session.TakesSoftTargets);
        var (video, labels, targets) = Batch(4, 2);
        Assert.Throws<InvalidOperationException>(() => session.TrainStep(video, labels, targets));
        Assert.Throws<ArgumentException>(() => TrainingSession.Open(Package(softTargets: true), Options(ema: 1.0)));
    }
}
