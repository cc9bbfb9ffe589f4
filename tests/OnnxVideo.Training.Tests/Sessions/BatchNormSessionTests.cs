using System.Runtime.InteropServices;
using OnnxVideo.Onnx.Safetensors;
using OnnxVideo.Training.Checkpoints;
using OnnxVideo.Training.Tests.Evaluation;
using OnnxVideo.Training.Sessions;

namespace OnnxVideo.Training.Tests.Sessions;

/// <summary>
/// TrainingSession with a package whose BatchNorm layers train: running statistics move with every applied step (and
/// every accumulated micro-batch), stay put on skipped steps and evaluation, survive checkpoints, and reach the export.
/// </summary>
public sealed class BatchNormSessionTests : IDisposable
{
    private const int Classes = TinyFullTuningPackage.Classes;
    private const int SampleElements = TinyFullTuningPackage.SampleElements;
    private readonly TinyFullTuningPackage _tiny = new(seed: 4);

    public void Dispose() => _tiny.Dispose();

    private static (float[] Video, int[] Labels) Batch(int seed, int n) => TinyFullTuningPackage.Batch(seed, n);

    private static Dictionary<string, float[]> Floats(IEnumerable<SafetensorsTensor> tensors) =>
        tensors.ToDictionary(t => t.Name, t => MemoryMarshal.Cast<byte, float>(t.Data.Span).ToArray());

    [Fact]
    public void TrainStepsMoveTheRunningStatisticsAndEvaluationAndSkippedStepsDoNot()
    {
        Assert.Equal(8, _tiny.Layout.Buffers.Count);
        using var session = TrainingSession.Open(_tiny.Layout);
        var initial = Floats(session.GetRunningStatistics());
        var (video, labels) = Batch(1, 4);
        Assert.True(session.TrainStep(video, labels).Applied);
        var afterOne = Floats(session.GetRunningStatistics());
        Assert.All(afterOne, s => Assert.NotEqual(initial[s.Key], s.Value));

        session.EvalStep(video, labels);
        var bad = (float[])video.Clone();
        bad[7] = float.NaN;
        Assert.False(session.TrainStep(bad, labels).Applied);
        Assert.Equal(afterOne, Floats(session.GetRunningStatistics()));

        // Parity flips after every applied step: the statistics of both buffers stay consistent.
        Assert.True(session.TrainStep(Batch(2, 4).Video, labels).Applied);
        Assert.True(session.TrainStep(video, labels).Applied);
        Assert.All(Floats(session.GetRunningStatistics()), s => Assert.NotEqual(afterOne[s.Key], s.Value));
    }

    [Fact]
    public void AccumulatedMicroBatchesUpdateTheStatisticsOnePerMicroBatch()
    {
        var (video, labels) = Batch(3, 4);
        // With learning rate 0 the weights stay put, so two fused steps see the weights every micro-batch sees.
        using var fused = TrainingSession.Open(_tiny.Layout, new TrainingSessionOptions { LearningRate = 0f });
        fused.TrainStep(video.AsMemory(0, 2 * SampleElements), labels.AsSpan(0, 2));
        fused.TrainStep(video.AsMemory(2 * SampleElements), labels.AsSpan(2));
        var twoSteps = Floats(fused.GetRunningStatistics());

        using var accumulated = TrainingSession.Open(_tiny.Layout);
        accumulated.AccumulateGradients(video.AsMemory(0, 2 * SampleElements), labels.AsSpan(0, 2));
        var bad = video.AsSpan(2 * SampleElements).ToArray();
        bad[0] = float.PositiveInfinity;
        Assert.False(accumulated.AccumulateGradients(bad, labels.AsSpan(2)).Applied);
        accumulated.AccumulateGradients(video.AsMemory(2 * SampleElements), labels.AsSpan(2));
        Assert.True(accumulated.OptimizerStep().Applied);

        var actual = Floats(accumulated.GetRunningStatistics());
        foreach (var (name, expected) in twoSteps)
        {
            Assert.Equal(expected, actual[name], new ToleranceComparer(1e-6f, 1e-5f));
        }
        var afterStep = Floats(accumulated.GetRunningStatistics());
        accumulated.AccumulateGradients(video.AsMemory(0, 2 * SampleElements), labels.AsSpan(0, 2));
        var afterMicroBatch = Floats(accumulated.GetRunningStatistics());
        Assert.All(afterMicroBatch, s => Assert.NotEqual(afterStep[s.Key], s.Value));

        // A non-finite last micro-batch before the optimizer step leaves the statistics as the good one left them.
        Assert.False(accumulated.AccumulateGradients(bad, labels.AsSpan(2)).Applied);
        Assert.True(accumulated.OptimizerStep().Applied);
        Assert.Equal(afterMicroBatch, Floats(accumulated.GetRunningStatistics()));
    }

    [Fact]
    public void CheckpointsCarryTheStatisticsAndTheExportUsesThem()
    {
        var store = new CheckpointStore(_tiny.Folder.File("ckpt"));
        using var first = TrainingSession.Open(_tiny.Layout, new TrainingSessionOptions { IntraOpThreads = 1 });
        first.TrainStep(Batch(0, 4).Video, Batch(0, 4).Labels);
        first.SaveCheckpoint(store, epoch: 1);
        first.TrainStep(Batch(1, 4).Video, Batch(1, 4).Labels);

        using var resumed = TrainingSession.Open(_tiny.Layout, new TrainingSessionOptions { IntraOpThreads = 1 }, store.LoadNewestValid());
        resumed.TrainStep(Batch(1, 4).Video, Batch(1, 4).Labels);
        Assert.Equal(Floats(first.GetRunningStatistics()), Floats(resumed.GetRunningStatistics()));
        Assert.Equal(Floats(first.GetParameters()), Floats(resumed.GetParameters()));

        var (video, labels) = Batch(5, 3);
        var evalLogits = resumed.EvalStep(video, labels).Logits;
        var exported = _tiny.Folder.File("model.onnx");
        resumed.ExportModelForInferencing(exported);
        using var model = new ExportedModelRunner(exported);
        var logits = model.Run(video, 3);
        Assert.Equal(evalLogits, logits, new ToleranceComparer(1e-6f, 1e-5f));
        // The package's initial statistics would give other logits: the export really carries the trained ones.
        using var fresh = TrainingSession.Open(_tiny.Layout);
        fresh.SetParameters(Floats(resumed.GetParameters()));
        Assert.NotEqual(evalLogits, fresh.EvalStep(video, labels).Logits, new ToleranceComparer(1e-6f, 1e-5f));
    }
}
