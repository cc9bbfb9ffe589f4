using OnnxVideo.Packaging.Tuning;
using OnnxVideo.Onnx.Locking;
using OnnxVideo.Training.Checkpoints;
using OnnxVideo.Training.Evaluation;
using OnnxVideo.Training.Loading;
using OnnxVideo.Training.Metrics;
using OnnxVideo.Training.Packages;
using OnnxVideo.Training.Schedules;
using OnnxVideo.Training.Sessions;
using OnnxVideo.Training.Tests.Evaluation;
using OnnxVideo.Training.Tests.Loading;
using OnnxVideo.Training.Tests.Sessions;

namespace OnnxVideo.Training.Tests.Trainers;

public sealed class TrainerTests : IDisposable
{
    private const int Classes = 4;
    private static readonly long[] SampleShape = [3, 2, 2, 2];
    private const int Features = 24;
    private readonly TempDirectory _dir = new();
    private readonly TrainingPackageLayout _package;

    public TrainerTests()
    {
        var pkg = _dir.File("pkg");
        _package = LinearTrainingPackage.Write(pkg, SampleShape, Classes, Enumerable.Repeat(1f, Features).ToArray(),
            new float[Features * Classes], new float[Classes]);
        _package = _package with
        {
            Exporter = new LinearInferenceExporter(_package.EvalPath, _package.FrozenPath!),
            Contract = new OnnxVideo.Media.PreprocessingContract { Frames = 2, CropSize = 2, ResizeShortSide = 2 },
            DefaultLearningRate = 0.05f,
        };
    }

    public void Dispose() => _dir.Dispose();

    private static TrainerOptions Options(bool resume = false) => new()
    {
        Epochs = 4, BatchSize = 4, LearningRate = 0.05, WarmupSteps = 2, Schedule = ScheduleKind.Cosine,
        Seed = 9, Workers = 2, Resume = resume, ClipGradNorm = 5, CheckpointEverySteps = 3,
    };

    private static TrainingSessionOptions Session => new() { IntraOpThreads = 1 };

    private static float[] Weights(string checkpointFolder, string name)
    {
        using var file = CheckpointStore.OpenFolder(checkpointFolder).OpenTrainable();
        return file.ReadFloats(name);
    }

    [Fact]
    public async Task LearnsWritesMetricsReportAndBestModelThatEvaluatesTheSame()
    {
        var data = PatternClipSource.Dataset(10, Classes);
        var source = new PatternClipSource(Features);
        var trainer = new Trainer(_package, data, null, source, _dir.File("run"), Options(), Session);
        var epochs = new List<EpochMetrics>();
        var progress = new List<TrainingProgress>();
        trainer = new Trainer(_package, data, null, source, _dir.File("run"), Options(), Session)
        {
            EpochCompleted = epochs.Add,
            Progress = new SynchronousProgress<TrainingProgress>(progress.Add),
        };

        var summary = await trainer.RunAsync();

        Assert.Equal(8 * Classes, trainer.TrainSet.Count);
        Assert.Equal([2, 2, 2, 2], trainer.ValidationSet!.CountPerClass());
        Assert.Equal(4, summary.EpochsRun);
        Assert.Equal(4 * 8, summary.Steps);
        Assert.True(summary.BestValidation!.Top1 >= 0.99, $"validation top-1 {summary.BestValidation.Top1}");
        Assert.Equal([1, 2, 3, 4], MetricsLog.Read(trainer.MetricsPath).Select(e => e.Epoch));
        Assert.True(epochs[^1].TrainLoss < epochs[0].TrainLoss);
        Assert.Contains(progress, p => p.Phase == "train" && p.Batch == 8 && p.BatchesPerEpoch == 8);
        Assert.Contains("<svg", File.ReadAllText(trainer.ReportPath));
        Assert.True(File.Exists(summary.BestModelPath));

        using var model = new ExportedModelRunner(summary.BestModelPath);
        Assert.Equal(["class0", "class1", "class2", "class3"], model.Contract!.Labels);
        var loader = new ClipLoader(trainer.ValidationSet.Samples, source, new LoaderOptions { BatchSize = 3 });
        var report = await ClipEvaluation.RunAsync(loader, trainer.ValidationSet.Classes, model.Run);
        Assert.Equal(summary.BestValidation.Top1, report.Top1);
        Assert.Equal(summary.BestValidation.Confusion, report.Confusion);
    }

    [Fact]
    public async Task InterruptedAndResumedRunEndsWithTheSameWeights()
    {
        var data = PatternClipSource.Dataset(6, Classes);
        var source = new PatternClipSource(Features);
        var straight = await new Trainer(_package, data, null, source, _dir.File("straight"), Options(), Session).RunAsync();

        var resumedDir = _dir.File("resumed");
        var interruptions = 0;
        foreach (var stopAfter in new[] { 2, 5, 1, 7, 3 })
        {
            using var cts = new CancellationTokenSource();
            var seen = 0;
            var trainer = new Trainer(_package, data, null, source, resumedDir, Options(resume: true), Session)
            {
                Progress = new SynchronousProgress<TrainingProgress>(p =>
                {
                    if (p.Phase == "train" && ++seen == stopAfter)
                    {
                        cts.Cancel();
                    }
                }),
            };
            try
            {
                await trainer.RunAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                interruptions++;
            }
        }
        Assert.True(interruptions >= 4);
        var final = await new Trainer(_package, data, null, source, resumedDir, Options(resume: true), Session).RunAsync();

        Assert.True(final.Resumed);
        Assert.Equal(straight.Steps, final.Steps);
        var a = new CheckpointStore(Path.Combine(straight.OutputDirectory, "checkpoints")).LoadNewestValid()!;
        var b = new CheckpointStore(Path.Combine(final.OutputDirectory, "checkpoints")).LoadNewestValid()!;
        Assert.Equal(Weights(a.Directory, "W"), Weights(b.Directory, "W"));
        Assert.Equal(Weights(a.Directory, "b"), Weights(b.Directory, "b"));
        Assert.Equal(MetricsLog.Read(straight.MetricsPath).Select(e => e.TrainLoss), MetricsLog.Read(final.MetricsPath).Select(e => e.TrainLoss));
        Assert.Equal(File.ReadAllBytes(straight.BestModelPath), File.ReadAllBytes(final.BestModelPath));
    }

    [Fact]
    public async Task AccumulatedMicroBatchesTrainLikeOneBatchOfTheirCombinedSize()
    {
        var data = PatternClipSource.Dataset(10, Classes);
        var source = new PatternClipSource(Features);
        var fused = await new Trainer(_package, data, null, source, _dir.File("fused"), Options() with { BatchSize = 4 }, Session).RunAsync();
        var accumulated = await new Trainer(_package, data, null, source, _dir.File("accumulated"),
            Options() with { BatchSize = 2, AccumulationSteps = 2 }, Session).RunAsync();

        Assert.Equal(4 * 8, fused.Steps);
        Assert.Equal(fused.Steps, accumulated.Steps);
        var a = new CheckpointStore(Path.Combine(fused.OutputDirectory, "checkpoints")).LoadNewestValid()!;
        var b = new CheckpointStore(Path.Combine(accumulated.OutputDirectory, "checkpoints")).LoadNewestValid()!;
        Assert.Equal(Weights(a.Directory, "W"), Weights(b.Directory, "W"), new ToleranceComparer(1e-5f, 1e-4f));
        Assert.Equal(Weights(a.Directory, "b"), Weights(b.Directory, "b"), new ToleranceComparer(1e-5f, 1e-4f));
        var fusedLoss = MetricsLog.Read(fused.MetricsPath).Select(e => (float)e.TrainLoss).ToArray();
        Assert.Equal(fusedLoss, MetricsLog.Read(accumulated.MetricsPath).Select(e => (float)e.TrainLoss), new ToleranceComparer(1e-5f, 1e-4f));
        Assert.Equal(fused.BestValidation!.Top1, accumulated.BestValidation!.Top1);
    }

    [Fact]
    public async Task InterruptedAndResumedAccumulatedRunEndsWithTheSameWeights()
    {
        // 20 training clips in batches of 4: 5 micro-batches per epoch, so each epoch ends with a group of one.
        var data = PatternClipSource.Dataset(6, Classes);
        var source = new PatternClipSource(Features);
        var options = Options(resume: true) with { AccumulationSteps = 2, CheckpointEverySteps = 2 };
        var straight = await new Trainer(_package, data, null, source, _dir.File("straight"), options, Session).RunAsync();

        var resumedDir = _dir.File("resumed");
        foreach (var stopAfter in new[] { 3, 4, 1, 6, 2 })
        {
            using var cts = new CancellationTokenSource();
            var seen = 0;
            var trainer = new Trainer(_package, data, null, source, resumedDir, options, Session)
            {
                Progress = new SynchronousProgress<TrainingProgress>(p =>
                {
                    if (p.Phase == "train" && ++seen == stopAfter)
                    {
                        cts.Cancel();
                    }
                }),
            };
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => trainer.RunAsync(cts.Token));
        }
        var final = await new Trainer(_package, data, null, source, resumedDir, options, Session).RunAsync();

        Assert.Equal(4 * 3, straight.Steps);
        Assert.Equal(straight.Steps, final.Steps);
        var a = new CheckpointStore(Path.Combine(straight.OutputDirectory, "checkpoints")).LoadNewestValid()!;
        var b = new CheckpointStore(Path.Combine(final.OutputDirectory, "checkpoints")).LoadNewestValid()!;
        Assert.Equal(Weights(a.Directory, "W"), Weights(b.Directory, "W"));
        Assert.Equal(MetricsLog.Read(straight.MetricsPath).Select(e => e.TrainLoss), MetricsLog.Read(final.MetricsPath).Select(e => e.TrainLoss));
        Assert.Equal(File.ReadAllBytes(straight.BestModelPath), File.ReadAllBytes(final.BestModelPath));
    }

    [Fact]
    public async Task RefusesToOverwriteCheckpointsWithoutResume()
    {
        var data = PatternClipSource.Dataset(4, Classes);
        var source = new PatternClipSource(Features);
        var options = Options() with { Epochs = 1 };
        await new Trainer(_package, data, null, source, _dir.File("once"), options, Session).RunAsync();
        var error = await Assert.ThrowsAsync<TrainingSessionException>(() =>
            new Trainer(_package, data, null, source, _dir.File("once"), options, Session).RunAsync());
        Assert.Contains("already holds checkpoints", error.Problem);
    }

    private static void Damage(string checkpointFolder)
    {
        var path = Path.Combine(checkpointFolder, Checkpoint.TrainableFile);
        var bytes = File.ReadAllBytes(path);
        bytes[^1] ^= 0x40;
        File.WriteAllBytes(path, bytes);
    }

    [Fact]
    public async Task ResumingARunWhoseCheckpointsAreAllDamagedIsRefusedNamingEachUnlessStartingFresh()
    {
        var data = PatternClipSource.Dataset(4, Classes);
        var source = new PatternClipSource(Features);
        var options = Options(resume: true) with { Epochs = 2 };
        var run = _dir.File("damaged");
        var first = await new Trainer(_package, data, null, source, run, options, Session).RunAsync();
        var folders = Directory.GetDirectories(Path.Combine(run, "checkpoints")).Order().ToArray();
        Assert.True(folders.Length >= 2);
        foreach (var folder in folders)
        {
            Damage(folder);
        }
        var metrics = File.ReadAllBytes(first.MetricsPath);

        foreach (var resume in new[] { true, false })
        {
            var error = await Assert.ThrowsAsync<NoValidCheckpointException>(() =>
                new Trainer(_package, data, null, source, run, options with { Resume = resume }, Session).RunAsync());
            Assert.Equal(folders, error.Rejected.Select(r => r.Directory).Order());
            Assert.All(error.Rejected, r => Assert.Contains("'trainable.safetensors' does not match its SHA-256", r.Problem));
            Assert.Contains(Path.GetFileName(folders[0]), error.Message);
            Assert.Contains("--fresh", error.Message);
        }
        Assert.Equal(metrics, File.ReadAllBytes(first.MetricsPath));
        Assert.All(folders, f => Assert.True(Directory.Exists(f)));

        var logger = new ListLogger();
        var fresh = await new Trainer(_package, data, null, source, run, options with { StartFresh = true }, Session, logger).RunAsync();
        Assert.False(fresh.Resumed);
        Assert.Equal([1, 2], MetricsLog.Read(fresh.MetricsPath).Select(e => e.Epoch));
        Assert.Contains(logger.Warnings, w => w.StartsWith("starting over as asked", StringComparison.Ordinal));
        Assert.NotNull(new CheckpointStore(Path.Combine(run, "checkpoints")).LoadNewestValid(out var rejected));
        Assert.Empty(rejected);
    }

    [Fact]
    public async Task FallingBackToAnOlderCheckpointLogsWhyTheNewerOnesWereSkipped()
    {
        var data = PatternClipSource.Dataset(4, Classes);
        var source = new PatternClipSource(Features);
        var run = _dir.File("fallback");
        await new Trainer(_package, data, null, source, run, Options(resume: true) with { Epochs = 2 }, Session).RunAsync();
        var folders = Directory.GetDirectories(Path.Combine(run, "checkpoints")).Order().ToArray();
        Damage(folders[^1]);

        var logger = new ListLogger();
        var summary = await new Trainer(_package, data, null, source, run, Options(resume: true) with { Epochs = 3 }, Session, logger).RunAsync();

        Assert.True(summary.Resumed);
        Assert.Contains($"checkpoint {folders[^1]} rejected: file 'trainable.safetensors' does not match its SHA-256 in the manifest", logger.Warnings);
        Assert.Contains(logger.Warnings, w => w.StartsWith($"falling back to {folders[^2]}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WhatAnInterruptedRunLeftIsRemovedAtTheNextStart()
    {
        var data = PatternClipSource.Dataset(4, Classes);
        var source = new PatternClipSource(Features);
        var run = _dir.File("orphans");
        var first = await new Trainer(_package, data, null, source, run, Options(resume: true) with { Epochs = 1 }, Session).RunAsync();
        var interrupted = Path.Combine(run, "checkpoints", CheckpointStore.FolderName(999));
        Directory.CreateDirectory(interrupted);
        File.WriteAllBytes(Path.Combine(interrupted, Checkpoint.TrainableFile), [1, 2, 3]);
        string[] temporary =
        [
            Path.Combine(run, $"metrics.jsonl.tmp-77-{Guid.NewGuid():N}"),
            Path.Combine(run, "best", $".weights-{Guid.NewGuid():N}.safetensors"),
            Path.Combine(run, "checkpoints", CheckpointStore.FolderName(first.Steps), $".{Checkpoint.TrainableFile}.{Guid.NewGuid():N}.tmp"),
        ];
        foreach (var file in temporary)
        {
            File.WriteAllBytes(file, new byte[100]);
        }

        var logger = new ListLogger();
        var summary = await new Trainer(_package, data, null, source, run, Options(resume: true) with { Epochs = 2 }, Session, logger).RunAsync();

        Assert.True(summary.Resumed);
        Assert.False(Directory.Exists(interrupted));
        Assert.All(temporary, f => Assert.False(File.Exists(f), f));
        Assert.Contains($"removed {interrupted}, left by an interrupted write", logger.Lines.Select(l => l.Message));
        Assert.Empty(logger.Warnings);
    }

    [Fact]
    public async Task ASecondTrainerOnARunFolderInUseIsRefusedNamingTheHolder()
    {
        var data = PatternClipSource.Dataset(4, Classes);
        var run = _dir.File("busy");
        Directory.CreateDirectory(run);
        using (ExclusiveFileLock.Acquire(Path.Combine(run, "run.lock"), run))
        {
            var error = await Assert.ThrowsAsync<OutputInUseException>(() =>
                new Trainer(_package, data, null, new PatternClipSource(Features), run, Options() with { Epochs = 1 }, Session).RunAsync());
            Assert.Equal(Environment.ProcessId, error.Holder.Pid);
            Assert.False(Directory.Exists(Path.Combine(run, "checkpoints")));
        }
        await new Trainer(_package, data, null, new PatternClipSource(Features), run, Options() with { Epochs = 1 }, Session).RunAsync();
    }

    [Fact]
    public async Task NaNBatchIsSkippedAndReportedAndWeightsOnDiskStayFinite()
    {
        var data = PatternClipSource.Dataset(4, Classes, "/clips", "nan-clip");
        var source = new PatternClipSource(Features);
        var options = Options() with { Epochs = 2, ValidationFraction = 0.25, CheckpointEverySteps = 1 };
        var summary = await new Trainer(_package, data, data.WithSamples(data.Samples.Where(s => !s.Path.Contains("nan")).ToList()),
            source, _dir.File("nan"), options, Session).RunAsync();

        Assert.Equal(2, summary.SkippedSteps);
        var lines = MetricsLog.Read(summary.MetricsPath);
        Assert.Equal([1, 1], lines.Select(l => l.SkippedSteps));
        Assert.All(lines, l => Assert.True(double.IsFinite(l.TrainLoss)));
        var store = new CheckpointStore(Path.Combine(summary.OutputDirectory, "checkpoints"));
        foreach (var folder in Directory.GetDirectories(store.Root))
        {
            Assert.All(Weights(folder, "W"), v => Assert.True(float.IsFinite(v)));
        }
        Assert.Equal(2 * 5 - 2, summary.Steps);
    }

    [Fact]
    public async Task TooManyNonFiniteStepsInARowAbortWithAClearMessage()
    {
        var data = PatternClipSource.Dataset(3, Classes, "/nan");
        var options = Options() with { Epochs = 1, MaxBadStepsInRow = 2, CheckpointEverySteps = 0 };
        var trainer = new Trainer(_package, data, data, new PatternClipSource(Features), _dir.File("abort"), options, Session);
        var error = await Assert.ThrowsAsync<TrainingAbortedException>(() => trainer.RunAsync());
        Assert.Contains("2 steps in a row", error.Message);
        Assert.Null(new CheckpointStore(trainer.CheckpointDirectory).LoadNewestValid());
    }

    [Fact]
    public async Task ATimeLimitFinishesTheRunWhenAnotherEpochWouldEndPastItAndExportsTheBest()
    {
        var data = PatternClipSource.Dataset(6, Classes);
        var options = Options() with { Epochs = 30, CheckpointEverySteps = 0, TimeLimit = TimeSpan.FromTicks(1) };
        var summary = await new Trainer(_package, data, null, new PatternClipSource(Features), _dir.File("timed"), options, Session).RunAsync();
        Assert.Equal(1, summary.EpochsRun);
        Assert.Single(MetricsLog.Read(summary.MetricsPath));
        Assert.True(File.Exists(summary.BestModelPath));

        var unlimited = await new Trainer(_package, data, null, new PatternClipSource(Features), _dir.File("untimed"),
            Options() with { Epochs = 3, CheckpointEverySteps = 0, TimeLimit = TimeSpan.FromHours(1) }, Session).RunAsync();
        Assert.Equal(3, unlimited.EpochsRun);
    }

    [Fact]
    public async Task EarlyStoppingKeepsTheBestEpoch()
    {
        var data = PatternClipSource.Dataset(6, Classes);
        var options = Options() with { Epochs = 30, Patience = 2, CheckpointEverySteps = 0, Schedule = ScheduleKind.Constant };
        var summary = await new Trainer(_package, data, null, new PatternClipSource(Features), _dir.File("early"), options, Session).RunAsync();
        Assert.True(summary.StoppedEarly);
        Assert.Equal(summary.BestEpoch + 2, summary.EpochsRun);
        var lines = MetricsLog.Read(summary.MetricsPath);
        Assert.Equal(lines.Max(l => l.ValidationTop1), lines[summary.BestEpoch - 1].ValidationTop1);
        Assert.Equal(lines[summary.BestEpoch - 1].ValidationTop1, summary.BestValidation!.Top1);
    }

    [Fact]
    public async Task HeadOnlyTrainingOnCachedBackboneFeaturesMatchesTrainingOnClips()
    {
        var data = PatternClipSource.Dataset(5, Classes);
        var head = _package with { Tuning = TuningKind.Head };
        var options = Options() with { Epochs = 3, CheckpointEverySteps = 0 };
        var cachedSource = new PatternClipSource(Features, deterministic: true);
        var cached = await new Trainer(head, data, null, cachedSource, _dir.File("cached"), options, Session).RunAsync();
        var plainSource = new PatternClipSource(Features, deterministic: true);
        var plain = await new Trainer(head, data, null, plainSource, _dir.File("plain"), options with { CacheBackboneFeatures = false }, Session).RunAsync();

        Assert.True(cached.CachedBackboneFeatures);
        Assert.False(plain.CachedBackboneFeatures);
        Assert.Equal(data.Count, cachedSource.Reads);
        Assert.Equal(data.Count, plainSource.Reads); // deterministic clips are decoded once either way (clip cache)
        var a = new CheckpointStore(Path.Combine(cached.OutputDirectory, "checkpoints")).LoadNewestValid()!;
        var b = new CheckpointStore(Path.Combine(plain.OutputDirectory, "checkpoints")).LoadNewestValid()!;
        var wa = Weights(a.Directory, "W");
        var wb = Weights(b.Directory, "W");
        Assert.Equal(wa, wb, new ToleranceComparer(1e-5f, 1e-5f));
        Assert.Equal(plain.BestValidation!.Top1, cached.BestValidation!.Top1);
        Assert.True(File.Exists(cached.BestModelPath));
    }
}
