using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OnnxVideo.Export.Tuning;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Locking;
using OnnxVideo.Training.Checkpoints;
using OnnxVideo.Training.Data;
using OnnxVideo.Training.Evaluation;
using OnnxVideo.Training.Loading;
using OnnxVideo.Training.Metrics;
using OnnxVideo.Training.Packages;
using OnnxVideo.Training.Reports;
using OnnxVideo.Training.Schedules;
using OnnxVideo.Training.Sessions;

namespace OnnxVideo.Training;

/// <summary>
/// The training loop: epochs of seeded batches through a <see cref="TrainingSession"/>, learning-rate schedule,
/// gradient clipping and accumulation, validation after each epoch with early stopping, checkpoints (newest, and the
/// best by validation top-1), <c>metrics.jsonl</c>, an HTML report and the best model exported for inference. A run
/// resumed from its newest checkpoint ends with the same weights as an uninterrupted one.
/// Output folder: <c>checkpoints/</c>, <c>metrics.jsonl</c>, <c>report.html</c>, <c>summary.json</c>, <c>best/model.onnx</c>.
/// </summary>
public sealed class Trainer
{
    private readonly TrainingPackageLayout _package;
    private readonly VideoDataset _train;
    private readonly VideoDataset? _validation;
    private readonly IClipSource _source;
    private readonly TrainerOptions _options;
    private readonly TrainingSessionOptions _sessionOptions;
    private readonly ILogger _logger;

    public Trainer(TrainingPackageLayout package, VideoDataset train, VideoDataset? validation, IClipSource source,
        string outputDirectory, TrainerOptions options, TrainingSessionOptions? sessionOptions = null, ILogger? logger = null)
    {
        options.Validate();
        _package = package;
        _source = source;
        _options = options;
        _sessionOptions = sessionOptions ?? new TrainingSessionOptions();
        _logger = logger ?? NullLogger.Instance;
        OutputDirectory = Path.GetFullPath(outputDirectory);
        if (train.Classes.Count != package.ClassCount)
        {
            throw new DatasetException(train.Source, $"has {train.Classes.Count} classes but the package's model predicts {package.ClassCount}");
        }
        if (validation is null && train.CountPerClass().All(c => c >= 2))
        {
            (train, validation) = DatasetSplit.Stratified(train, options.ValidationFraction, options.Seed);
        }
        if (validation is not null && !validation.Classes.SequenceEqual(train.Classes))
        {
            throw new DatasetException(validation.Source, "its classes differ from the training set's (read it with the same class list)");
        }
        _train = train;
        _validation = validation is { Count: > 0 } ? validation : null;
    }

    public string OutputDirectory { get; }
    public VideoDataset TrainSet => _train;
    public VideoDataset? ValidationSet => _validation;
    public string CheckpointDirectory => Path.Combine(OutputDirectory, "checkpoints");
    public string BestModelPath => Path.Combine(OutputDirectory, "best", "model.onnx");
    public string MetricsPath => Path.Combine(OutputDirectory, "metrics.jsonl");
    public string ReportPath => Path.Combine(OutputDirectory, "report.html");
    public string SummaryPath => Path.Combine(OutputDirectory, "summary.json");
    /// <summary>Held while <see cref="RunAsync"/> runs; a second trainer on the folder gets <see cref="OutputInUseException"/>.</summary>
    public string LockPath => Path.Combine(OutputDirectory, "run.lock");

    public IProgress<TrainingProgress>? Progress { get; init; }

    /// <summary>Called after each epoch with its metrics line.</summary>
    public Action<EpochMetrics>? EpochCompleted { get; init; }

    public async Task<TrainingSummary> RunAsync(CancellationToken ct = default)
    {
        var clock = Stopwatch.StartNew();
        Directory.CreateDirectory(OutputDirectory);
        using var runLock = ExclusiveFileLock.Acquire(LockPath, OutputDirectory);
        var store = new CheckpointStore(CheckpointDirectory);
        foreach (var orphan in RunFolderOrphans.Remove(OutputDirectory, store))
        {
            _logger.LogInformation("removed {Orphan}, left by an interrupted write", orphan);
        }
        var resumeFrom = ChooseCheckpoint(store);
        var state = resumeFrom is null ? new TrainerState() : TrainerState.FromJson(resumeFrom.ReadTrainerStateJson());
        var (package, source, features) = ChooseInputs();
        using var featureSource = features;
        var loader = new ClipLoader(_train.Samples, source,
            new LoaderOptions { BatchSize = _options.BatchSize, Workers = _options.Workers, MaxFailedClips = _options.MaxFailedClips },
            _logger, _options.ClipCacheBytes);
        var validationLoader = _validation is null ? null : new ClipLoader(_validation.Samples, source,
            new LoaderOptions { BatchSize = _options.BatchSize, Workers = _options.Workers, MaxFailedClips = _options.MaxFailedClips },
            _logger, _options.ClipCacheBytes);
        var batchesPerEpoch = loader.TrainingBatchesPerEpoch;
        var stepsPerEpoch = (batchesPerEpoch + _options.AccumulationSteps - 1) / _options.AccumulationSteps;
        var totalSteps = (long)stepsPerEpoch * _options.Epochs;
        var schedule = new LearningRateSchedule
        {
            BaseRate = _options.LearningRate ?? package.DefaultLearningRate,
            Kind = _options.Schedule,
            WarmupSteps = _options.WarmupSteps,
            TotalSteps = Math.Max(1, totalSteps),
            MinRate = _options.MinLearningRate,
            StepSize = Math.Max(1, (long)_options.StepEpochs * stepsPerEpoch),
            Gamma = _options.StepGamma,
        };
        schedule.Validate();

        using var session = TrainingSession.Open(package, _sessionOptions with { ClipNorm = _options.ClipGradNorm }, resumeFrom);
        session.Schedule = schedule;
        if (session.SampleElements != source.SampleElements)
        {
            throw new TrainingSessionException(package.TrainStepPath,
                $"the model takes samples of [{string.Join(", ", session.SampleShape)}] but the contract produces {source.SampleElements} values per clip");
        }
        var metricsLog = new MetricsLog(MetricsPath);
        metricsLog.TruncateAfter(state.Epoch);
        if (resumeFrom is not null)
        {
            _logger.LogInformation("resuming from {Checkpoint} (epoch {Epoch}, batch {Batch})", resumeFrom.Directory, state.Epoch + 1, state.NextBatch);
        }

        var sessionSteps = 0L;
        var sessionClock = Stopwatch.StartNew();
        while (!state.Finished)
        {
            var epoch = state.Epoch;
            var epochClock = Stopwatch.StartNew();
            var throughputClock = Stopwatch.StartNew();
            var seenAtStart = state.EpochSeen;
            var pendingMicroBatches = 0;
            await foreach (var batch in loader.TrainingEpochAsync(_options.Seed, epoch, state.NextBatch, ct).ConfigureAwait(false))
            {
                ct.ThrowIfCancellationRequested();
                var lastOfEpoch = batch.BatchIndex == batchesPerEpoch - 1;
                StepResult result;
                bool stepTaken;
                if (_options.AccumulationSteps == 1)
                {
                    result = session.TrainStep(batch.Inputs, batch.Labels);
                    stepTaken = true;
                }
                else
                {
                    result = session.AccumulateGradients(batch.Inputs, batch.Labels);
                    pendingMicroBatches++;
                    stepTaken = pendingMicroBatches == _options.AccumulationSteps || lastOfEpoch;
                    if (stepTaken)
                    {
                        pendingMicroBatches = 0;
                        if (session.AccumulatedBatches > 0)
                        {
                            var update = session.OptimizerStep();
                            result = result with { GradientNorm = update.GradientNorm, Applied = update.Applied && result.Applied };
                        }
                        else
                        {
                            result = result with { Applied = false };
                        }
                    }
                }
                state = Account(state, batch, result, stepTaken);
                if (state.BadStepsInRow >= _options.MaxBadStepsInRow)
                {
                    throw new TrainingAbortedException(
                        $"{state.BadStepsInRow} steps in a row had a non-finite loss or gradient norm (last loss {result.Loss}, gradient norm {result.GradientNorm}); " +
                        "training stopped with the last good checkpoint kept. Lower the learning rate, enable gradient clipping, or check the inputs.");
                }
                state = state with { NextBatch = batch.BatchIndex + 1 };
                if (stepTaken)
                {
                    sessionSteps++;
                }
                var checkpointNow = stepTaken && result.Applied && _options.CheckpointEverySteps > 0 &&
                    session.OptimizerStepCount % _options.CheckpointEverySteps == 0 && pendingMicroBatches == 0;
                if (checkpointNow)
                {
                    state = state with { EpochSeconds = state.EpochSeconds + epochClock.Elapsed.TotalSeconds };
                    epochClock.Restart();
                    SaveCheckpoint(session, store, state);
                }
                Progress?.Report(new TrainingProgress
                {
                    Phase = "train",
                    Epoch = epoch + 1,
                    Epochs = _options.Epochs,
                    Batch = batch.BatchIndex + 1,
                    BatchesPerEpoch = batchesPerEpoch,
                    Step = session.OptimizerStepCount,
                    TotalSteps = totalSteps,
                    Loss = state.EpochSeen == 0 ? double.NaN : state.EpochLossSum / state.EpochSeen,
                    LearningRate = session.CurrentLearningRate,
                    ClipsPerSecond = (state.EpochSeen - seenAtStart) / Math.Max(1e-9, throughputClock.Elapsed.TotalSeconds),
                    Eta = sessionSteps == 0 ? null : TimeSpan.FromSeconds(sessionClock.Elapsed.TotalSeconds / sessionSteps *
                        Math.Max(0, totalSteps - session.OptimizerStepCount)),
                    SkippedSteps = state.SkippedSteps,
                });
            }
            state = state with { EpochSeconds = state.EpochSeconds + epochClock.Elapsed.TotalSeconds };
            state = await FinishEpochAsync(session, store, state, metricsLog, validationLoader, loader, ct).ConfigureAwait(false);
        }

        var steps = session.OptimizerStepCount;
        var best = await ExportBestAsync(session, store, state, validationLoader, ct).ConfigureAwait(false);
        var summary = new TrainingSummary
        {
            OutputDirectory = OutputDirectory,
            BestModelPath = BestModelPath,
            BestEpoch = state.BestEpoch + 1,
            EpochsRun = metricsLog.Epochs.Count,
            Steps = steps,
            SkippedSteps = state.SkippedSteps,
            FailedClips = loader.FailedClips + (validationLoader?.FailedClips ?? 0),
            StoppedEarly = state.StoppedEarly,
            Resumed = resumeFrom is not null,
            CachedBackboneFeatures = features is not null,
            BestValidation = best,
            MetricsPath = MetricsPath,
            ReportPath = ReportPath,
            Seconds = clock.Elapsed.TotalSeconds,
        };
        HtmlReport.Write(ReportPath, $"Training run: {Path.GetFileName(OutputDirectory)}", metricsLog.Epochs, best, _train.Classes);
        AtomicFile.WriteAllBytes(SummaryPath, JsonSerializer.SerializeToUtf8Bytes(summary, MetricsLog.JsonOptions));
        return summary;
    }

    /// <summary>
    /// The checkpoint to resume from: the newest that verifies (newer ones passed over are logged with the reason), or
    /// null to start at epoch 1. An earlier run that cannot be resumed (every checkpoint rejected, or only metrics left)
    /// is refused with <see cref="NoValidCheckpointException"/> unless <see cref="TrainerOptions.StartFresh"/>.
    /// </summary>
    private Checkpoint? ChooseCheckpoint(CheckpointStore store)
    {
        var newest = store.LoadNewestValid(out var rejected);
        foreach (var r in rejected)
        {
            _logger.LogWarning("checkpoint {Checkpoint} rejected: {Problem}", r.Directory, r.Problem);
        }
        if (newest is not null)
        {
            if (!_options.Resume)
            {
                throw new TrainingSessionException(OutputDirectory,
                    $"already holds checkpoints (newest: step {newest.Step}); resume them or choose an empty output folder");
            }
            if (rejected.Count > 0)
            {
                _logger.LogWarning("falling back to {Checkpoint} (step {Step}), the newest that verifies", newest.Directory, newest.Step);
            }
            return newest;
        }
        var earlierMetrics = File.Exists(MetricsPath) && new FileInfo(MetricsPath).Length > 0;
        if (rejected.Count == 0 && !earlierMetrics)
        {
            return null;
        }
        if (!_options.StartFresh)
        {
            throw new NoValidCheckpointException(OutputDirectory, rejected);
        }
        _logger.LogWarning("starting over as asked: no checkpoint in {Folder} can be resumed; removing {Count} rejected checkpoint(s) and the old metrics",
            OutputDirectory, rejected.Count);
        foreach (var r in rejected)
        {
            Directory.Delete(r.Directory, recursive: true);
        }
        File.Delete(MetricsPath);
        return null;
    }

    /// <summary>
    /// With head-only tuning and clips that do not change between epochs, trains the head on cached backbone features
    /// (the backbone runs once per clip); otherwise the package's graphs on the clips.
    /// </summary>
    private (TrainingPackageLayout Package, IClipSource Source, BackboneFeatureSource? Features) ChooseInputs()
    {
        if (!_options.CacheBackboneFeatures || !_source.TrainingIsDeterministic || _package.Tuning != TuningKind.Head)
        {
            return (_package, _source, null);
        }
        var head = HeadOnlyPackage.TryCreate(_package, Path.Combine(OutputDirectory, "head-graphs"), out var reason);
        if (head is null)
        {
            _logger.LogInformation("not caching backbone features: {Reason}", reason);
            return (_package, _source, null);
        }
        var features = BackboneFeatureSource.Create(_source, head.BackbonePath, _package.Names.Video, head.FeatureShape,
            _sessionOptions.IntraOpThreads);
        _logger.LogInformation("head-only tuning: backbone features [{Shape}] are computed once per clip and cached",
            string.Join(", ", head.FeatureShape));
        return (head.Head, features, features);
    }

    private static TrainerState Account(TrainerState state, ClipBatch batch, StepResult result, bool stepTaken)
    {
        if (!float.IsFinite(result.Loss) || (stepTaken && !result.Applied))
        {
            return state with
            {
                SkippedSteps = state.SkippedSteps + (stepTaken ? 1 : 0),
                EpochSkipped = state.EpochSkipped + (stepTaken ? 1 : 0),
                BadStepsInRow = state.BadStepsInRow + (stepTaken ? 1 : 0),
            };
        }
        var classes = result.Logits.Length / batch.Count;
        var correct = 0;
        for (var i = 0; i < batch.Count; i++)
        {
            var row = result.Logits.AsSpan(i * classes, classes);
            var best = 0;
            for (var c = 1; c < classes; c++)
            {
                if (row[c] > row[best])
                {
                    best = c;
                }
            }
            correct += best == batch.Labels[i] ? 1 : 0;
        }
        return state with
        {
            EpochLossSum = state.EpochLossSum + (double)result.Loss * batch.Count,
            EpochCorrect = state.EpochCorrect + correct,
            EpochSeen = state.EpochSeen + batch.Count,
            BadStepsInRow = stepTaken ? 0 : state.BadStepsInRow,
        };
    }

    private async Task<TrainerState> FinishEpochAsync(TrainingSession session, CheckpointStore store, TrainerState state,
        MetricsLog metricsLog, ClipLoader? validationLoader, ClipLoader trainLoader, CancellationToken ct)
    {
        var epoch = state.Epoch;
        ClassificationReport? validation = null;
        if (validationLoader is not null)
        {
            Progress?.Report(new TrainingProgress
            {
                Phase = "validate", Epoch = epoch + 1, Epochs = _options.Epochs, Batch = 0, BatchesPerEpoch = 0,
                Step = session.OptimizerStepCount, TotalSteps = 0, LearningRate = session.CurrentLearningRate,
            });
            validation = await ValidateAsync(session, validationLoader, ct).ConfigureAwait(false);
        }
        var line = new EpochMetrics
        {
            Epoch = epoch + 1,
            Step = session.OptimizerStepCount,
            TrainLoss = state.EpochSeen == 0 ? double.NaN : state.EpochLossSum / state.EpochSeen,
            TrainTop1 = state.EpochSeen == 0 ? 0 : (double)state.EpochCorrect / state.EpochSeen,
            LearningRate = session.CurrentLearningRate,
            ValidationLoss = validation?.Loss,
            ValidationTop1 = validation?.Top1,
            ValidationTop5 = validation?.Top5,
            ValidationMeanClassAccuracy = validation?.MeanClassAccuracy,
            SkippedSteps = state.EpochSkipped,
            FailedClips = trainLoader.FailedClips,
            Seconds = state.EpochSeconds,
            ClipsPerSecond = state.EpochSeconds > 0 ? state.EpochSeen / state.EpochSeconds : 0,
        };
        metricsLog.Append(line);
        EpochCompleted?.Invoke(line);

        var score = validation?.Top1 ?? epoch;
        var improved = score > state.BestScore;
        var withoutImprovement = improved ? 0 : state.EpochsWithoutImprovement + 1;
        var stopEarly = validation is not null && _options.Patience > 0 && withoutImprovement >= _options.Patience;
        var finished = stopEarly || epoch + 1 >= _options.Epochs;
        state = new TrainerState
        {
            Epoch = epoch + 1,
            NextBatch = 0,
            SkippedSteps = state.SkippedSteps,
            BadStepsInRow = state.BadStepsInRow,
            BestScore = improved ? score : state.BestScore,
            BestEpoch = improved ? epoch : state.BestEpoch,
            BestStep = improved ? session.OptimizerStepCount : state.BestStep,
            EpochsWithoutImprovement = withoutImprovement,
            Finished = finished,
            StoppedEarly = stopEarly,
        };
        SaveCheckpoint(session, store, state);
        HtmlReport.Write(ReportPath, $"Training run: {Path.GetFileName(OutputDirectory)}", metricsLog.Epochs, validation, _train.Classes);
        if (stopEarly)
        {
            _logger.LogInformation("stopping early: no improvement of validation top-1 for {Patience} epochs", _options.Patience);
        }
        return state;
    }

    private void SaveCheckpoint(TrainingSession session, CheckpointStore store, TrainerState state)
    {
        session.SaveCheckpoint(store, state.Epoch, state.ToJson());
        store.Prune(_options.KeepCheckpoints, [state.BestStep]);
    }

    private Task<ClassificationReport> ValidateAsync(TrainingSession session, ClipLoader loader, CancellationToken ct) =>
        ClipEvaluation.RunAsync(loader, _train.Classes, (inputs, count) => session.EvalStep(inputs, count), null, ct);

    private async Task<ClassificationReport?> ExportBestAsync(TrainingSession session, CheckpointStore store, TrainerState state,
        ClipLoader? validationLoader, CancellationToken ct)
    {
        if (state.BestStep >= 0 && state.BestStep != session.OptimizerStepCount)
        {
            session.LoadCheckpoint(store.Open(state.BestStep));
        }
        session.ExportModelForInferencing(BestModelPath, _train.Classes);
        return validationLoader is null ? null : await ValidateAsync(session, validationLoader, ct).ConfigureAwait(false);
    }
}
