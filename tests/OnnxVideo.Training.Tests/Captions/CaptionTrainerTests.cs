using OnnxVideo.Media;
using OnnxVideo.Training.Checkpoints;
using OnnxVideo.Training.Loading;
using OnnxVideo.Training.Metrics;
using OnnxVideo.Training.Packages;
using OnnxVideo.Training.Sessions;
using OnnxVideo.Training.Tests.Trainers;

namespace OnnxVideo.Training.Tests.Captions;

/// <summary>A caption package through the shared trainer: token batches, validation loss and token accuracy, checkpoints and resume.</summary>
public sealed class CaptionTrainerTests(SyntheticMotionData data) : IClassFixture<SyntheticMotionData>, IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static readonly TrainingSessionOptions Session = new() { IntraOpThreads = 1 };

    private static TrainerOptions Options(int epochs, bool resume = false) => new()
    {
        Epochs = epochs, BatchSize = 4, Seed = 4, Workers = 2, Resume = resume, CheckpointEverySteps = 1, ClipGradNorm = 1,
    };

    private (TrainingPackageLayout Layout, string Train, string Val, IClipSource Source) Prepare()
    {
        var dataset = CaptionTestPackage.WriteDataset(data, _dir.File("captions"));
        var train = Path.Combine(dataset, "train");
        var val = Path.Combine(dataset, "val");
        var layout = PackageLayouts.Load(CaptionTestPackage.Write(_dir.File("pkg"), CaptionTestPackage.Captions(train)));
        return (layout, train, val, new VideoClipSource(layout.Contract!, ClipAugmentation.None));
    }

    [Fact]
    public async Task TrainsOnTokenBatchesAndLogsValidationLossAndTokenAccuracy()
    {
        var (layout, train, val, source) = Prepare();
        var trainer = Trainer.ForCaptions(layout, train, val, source, _dir.File("run"), Options(epochs: 6) with { CheckpointEverySteps = 0 }, Session);
        Assert.Equal(8, trainer.TrainSet.Count);
        Assert.Equal(4, trainer.ValidationSet!.Count);
        var summary = await trainer.RunAsync();

        var epochs = MetricsLog.Read(summary.MetricsPath);
        Assert.Equal(6, epochs.Count);
        Assert.All(epochs, e => Assert.InRange(e.ValidationTokenAccuracy!.Value, 0, 1));
        Assert.All(epochs, e => Assert.Null(e.ValidationTop1));
        Assert.True(epochs[^1].ValidationLoss < epochs[0].ValidationLoss, $"validation loss {epochs[0].ValidationLoss} → {epochs[^1].ValidationLoss}");
        Assert.True(epochs[^1].TrainTop1 > epochs[0].TrainTop1, $"train token accuracy {epochs[0].TrainTop1} → {epochs[^1].TrainTop1}");
        Assert.EndsWith(Path.Combine("best", "captioner"), summary.BestModelPath);
    }

    [Fact]
    public async Task InterruptedAndResumedCaptionRunEndsWithTheSameWeights()
    {
        var (layout, train, val, source) = Prepare();
        var straight = await Trainer.ForCaptions(layout, train, val, source, _dir.File("straight"), Options(epochs: 2), Session).RunAsync();

        var resumedDir = _dir.File("resumed");
        var interruptions = 0;
        foreach (var stopAfter in new[] { 1, 2, 1 })
        {
            using var cts = new CancellationTokenSource();
            var seen = 0;
            var trainer = Trainer.ForCaptions(layout, train, val, source, resumedDir, Options(epochs: 2, resume: true), Session);
            trainer.Progress = new SynchronousProgress<TrainingProgress>(p =>
            {
                if (p.Phase == "train" && ++seen == stopAfter)
                {
                    cts.Cancel();
                }
            });
            try
            {
                await trainer.RunAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                interruptions++;
            }
        }
        Assert.True(interruptions >= 2);
        var final = await Trainer.ForCaptions(layout, train, val, source, resumedDir, Options(epochs: 2, resume: true), Session).RunAsync();

        Assert.True(final.Resumed);
        Assert.Equal(straight.Steps, final.Steps);
        var a = new CheckpointStore(Path.Combine(straight.OutputDirectory, "checkpoints")).LoadNewestValid()!;
        var b = new CheckpointStore(Path.Combine(final.OutputDirectory, "checkpoints")).LoadNewestValid()!;
        Assert.Equal(File.ReadAllBytes(Path.Combine(a.Directory, Checkpoint.TrainableFile)), File.ReadAllBytes(Path.Combine(b.Directory, Checkpoint.TrainableFile)));
        Assert.Equal(MetricsLog.Read(straight.MetricsPath).Select(e => e.ValidationLoss), MetricsLog.Read(final.MetricsPath).Select(e => e.ValidationLoss));
    }
}
