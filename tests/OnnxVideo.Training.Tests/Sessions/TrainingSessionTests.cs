using OnnxVideo.Training.Checkpoints;
using OnnxVideo.Training.Packages;
using OnnxVideo.Training.Schedules;
using OnnxVideo.Training.Sessions;

namespace OnnxVideo.Training.Tests.Sessions;

public sealed class TrainingSessionTests : IDisposable
{
    private const int Classes = 3;
    private static readonly long[] SampleShape = [3, 2, 2, 2];
    private const int Features = 24;
    private readonly TempDirectory _dir = new();
    private readonly float[] _scale = Enumerable.Range(0, Features).Select(i => 0.5f + (i % 4) * 0.25f).ToArray();
    private readonly float[] _w;
    private readonly float[] _b = [0.1f, -0.2f, 0.05f];
    private readonly TrainingPackageLayout _package;

    public TrainingSessionTests()
    {
        var rng = new Random(3);
        _w = Enumerable.Range(0, Features * Classes).Select(_ => (float)(rng.NextDouble() - 0.5) * 0.2f).ToArray();
        _package = LinearTrainingPackage.Write(_dir.File("pkg"), SampleShape, Classes, _scale, _w, _b);
    }

    public void Dispose() => _dir.Dispose();

    private LinearReference Reference() => new(Features, Classes, _scale.Select(v => (double)v).ToArray(),
        _w.Select(v => (double)v).ToArray(), _b.Select(v => (double)v).ToArray());

    private static (float[] Video, int[] Labels) Batch(int seed, int n)
    {
        var rng = new Random(seed);
        var video = Enumerable.Range(0, n * Features).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var labels = Enumerable.Range(0, n).Select(_ => rng.Next(Classes)).ToArray();
        return (video, labels);
    }

    private static void AssertClose(IEnumerable<double> expected, IEnumerable<float> actual, float tolerance = 1e-5f) =>
        Assert.Equal(expected.Select(v => (float)v), actual, new ToleranceComparer(tolerance, tolerance));

    private static float[] Parameter(TrainingSession session, string name)
    {
        var tensor = session.GetParameters().Single(t => t.Name == name);
        return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(tensor.Data.Span).ToArray();
    }

    [Fact]
    public void TrainStepsMatchHandComputedSgdWithMomentumAndClipping()
    {
        using var session = TrainingSession.Open(_package, new TrainingSessionOptions { LearningRate = 0.5f, ClipNorm = 0.3f, IntraOpThreads = 1 });
        Assert.Equal(SampleShape, session.SampleShape);
        var reference = Reference();
        for (var step = 0; step < 3; step++)
        {
            var (video, labels) = Batch(step, 4);
            var expected = reference.Gradients(video, labels);
            var result = session.TrainStep(video, labels);
            var norm = reference.Apply(expected.dW, expected.dB, 0.5, 0.3);

            Assert.True(result.Applied);
            Assert.Equal(expected.Loss, result.Loss, 4);
            Assert.Equal(norm, result.GradientNorm, 4);
            AssertClose(expected.Logits, result.Logits);
        }
        AssertClose(reference.W, Parameter(session, "W"));
        AssertClose(reference.B, Parameter(session, "b"));
        Assert.Equal(3, session.OptimizerStepCount);
        var momentum = session.GetOptimizerState().Single(t => t.Name == "b.momentum");
        AssertClose(reference.MB, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(momentum.Data.Span).ToArray());
    }

    [Fact]
    public void EvalStepUsesCurrentWeightsAndDoesNotChangeThem()
    {
        using var session = TrainingSession.Open(_package, new TrainingSessionOptions { LearningRate = 0.1f });
        var (video, labels) = Batch(7, 5);
        var reference = Reference();
        var before = reference.Gradients(video, labels);
        var eval = session.EvalStep(video, labels);
        Assert.Equal(before.Loss, eval.Loss, 4);
        AssertClose(before.Logits, eval.Logits);

        session.TrainStep(video, labels);
        reference.Apply(before.dW, before.dB, 0.1, 0);
        var after = reference.Gradients(video, labels);
        AssertClose(after.Logits, session.EvalStep(video, labels.Length));
        AssertClose(after.Logits, session.EvalStep(video, labels).Logits);
        Assert.Equal(1, session.OptimizerStepCount);
    }

    [Fact]
    public void NonFiniteBatchIsSkippedAndWeightsKeepTheirValues()
    {
        using var session = TrainingSession.Open(_package, new TrainingSessionOptions { LearningRate = 0.2f });
        var (video, labels) = Batch(1, 3);
        session.TrainStep(video, labels);
        var w = Parameter(session, "W");
        var bad = (float[])video.Clone();
        bad[5] = float.NaN;

        var result = session.TrainStep(bad, labels);

        Assert.False(result.Applied);
        Assert.False(result.IsFinite);
        Assert.Equal(w, Parameter(session, "W"));
        Assert.Equal(1, session.OptimizerStepCount);
        Assert.True(session.TrainStep(video, labels).Applied);
        Assert.All(Parameter(session, "W"), v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void AccumulatedMicroBatchesEqualOneLargeBatch()
    {
        var (video, labels) = Batch(11, 6);
        using var fused = TrainingSession.Open(_package, new TrainingSessionOptions { LearningRate = 0.3f });
        fused.TrainStep(video, labels);

        using var accumulated = TrainingSession.Open(_package, new TrainingSessionOptions { LearningRate = 0.3f });
        accumulated.AccumulateGradients(video.AsMemory(0, 4 * Features), labels.AsSpan(0, 4));
        accumulated.AccumulateGradients(video.AsMemory(4 * Features), labels.AsSpan(4));
        Assert.Equal(2, accumulated.AccumulatedBatches);
        var step = accumulated.OptimizerStep();

        Assert.True(step.Applied);
        Assert.Equal(0, accumulated.AccumulatedBatches);
        AssertClose(Parameter(fused, "W").Select(v => (double)v), Parameter(accumulated, "W"));
        AssertClose(Parameter(fused, "b").Select(v => (double)v), Parameter(accumulated, "b"));
        Assert.Throws<InvalidOperationException>(() => accumulated.OptimizerStep());
    }

    [Fact]
    public void CheckpointRoundTripContinuesBitForBit()
    {
        var store = new CheckpointStore(_dir.File("ckpt"));
        var schedule = new LearningRateSchedule { BaseRate = 0.4, Kind = ScheduleKind.Cosine, WarmupSteps = 1, TotalSteps = 4 };
        using var first = TrainingSession.Open(_package, new TrainingSessionOptions { IntraOpThreads = 1 });
        first.Schedule = schedule;
        first.TrainStep(Batch(0, 4).Video, Batch(0, 4).Labels);
        first.TrainStep(Batch(1, 4).Video, Batch(1, 4).Labels);
        var checkpoint = first.SaveCheckpoint(store, epoch: 1);
        Assert.Equal(2, checkpoint.Step);
        first.TrainStep(Batch(2, 4).Video, Batch(2, 4).Labels);
        first.TrainStep(Batch(3, 4).Video, Batch(3, 4).Labels);

        using var resumed = TrainingSession.Open(_package, new TrainingSessionOptions { IntraOpThreads = 1 }, store.LoadNewestValid());
        resumed.Schedule = schedule;
        Assert.Equal(2, resumed.OptimizerStepCount);
        Assert.Equal((float)schedule.At(2), resumed.CurrentLearningRate);
        resumed.TrainStep(Batch(2, 4).Video, Batch(2, 4).Labels);
        resumed.TrainStep(Batch(3, 4).Video, Batch(3, 4).Labels);

        Assert.Equal(Parameter(first, "W"), Parameter(resumed, "W"));
        Assert.Equal(Parameter(first, "b"), Parameter(resumed, "b"));
    }

    [Fact]
    public void CheckpointOfAnotherPackageIsRefused()
    {
        var store = new CheckpointStore(_dir.File("ckpt2"));
        using (var session = TrainingSession.Open(_package))
        {
            session.SaveCheckpoint(store, 0);
        }
        var other = _package with { PackageId = "another" };
        var error = Assert.Throws<TrainingSessionException>(() => TrainingSession.Open(other, null, store.LoadNewestValid()));
        Assert.Contains("belongs to package", error.Problem);
    }

    /// <summary>Only the train step is profiled (the evaluation session writes nothing), with every kernel's time.</summary>
    [Fact]
    public void ProfilePrefixWritesTheTrainStepsNodeTimesOnDispose()
    {
        var prefix = _dir.File("profile/train");
        Directory.CreateDirectory(Path.GetDirectoryName(prefix)!);
        using (var session = TrainingSession.Open(_package, new TrainingSessionOptions { IntraOpThreads = 1, ProfileFilePrefix = prefix }))
        {
            session.TrainStep(Batch(1, 4).Video, Batch(1, 4).Labels);
            session.EvalStep(Batch(2, 4).Video, Batch(2, 4).Labels);
        }
        var profile = Assert.Single(Directory.GetFiles(Path.GetDirectoryName(prefix)!));
        Assert.StartsWith("train_", Path.GetFileName(profile));
        using var trace = System.Text.Json.JsonDocument.Parse(File.ReadAllText(profile));
        var kernels = trace.RootElement.EnumerateArray()
            .Where(e => e.TryGetProperty("cat", out var cat) && cat.GetString() == "Node" && e.GetProperty("name").GetString()!.EndsWith("_kernel_time", StringComparison.Ordinal))
            .Select(e => e.GetProperty("args").GetProperty("op_name").GetString())
            .ToHashSet();
        Assert.Contains("Flatten", kernels);
    }
}
