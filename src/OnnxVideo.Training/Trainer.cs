using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OnnxVideo.Packaging.Tuning;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Locking;
using OnnxVideo.Training.Adversarial;
using OnnxVideo.Training.Checkpoints;
using OnnxVideo.Training.Continual;
using OnnxVideo.Training.Data;
using OnnxVideo.Training.Evaluation;
using OnnxVideo.Training.Loading;
using OnnxVideo.Training.Loop;
using OnnxVideo.Training.Metrics;
using OnnxVideo.Training.Packages;
using OnnxVideo.Training.Schedules;
using OnnxVideo.Training.Sessions;
using OnnxVideo.Training.Tasks;

namespace OnnxVideo.Training;

/// <summary>
/// The training loop: epochs of seeded batches through a <see cref="TrainingSession"/>, learning-rate schedule,
/// gradient clipping and accumulation, validation after each epoch with early stopping, checkpoints (newest, and the
/// best by validation top-1), <c>metrics.jsonl</c>, an HTML report and the best model exported for inference. A run
/// resumed from its newest checkpoint ends with the same weights as an uninterrupted one.
/// The trainer prepares a run (run-folder lock, resume point, inputs, session) and finishes it (best model, report,
/// summary); the epochs are a <see cref="TrainingLoop"/> over a stepping policy (<see cref="PlainSteps"/> or
/// <see cref="AccumulatedSteps"/>) whose callbacks checkpoint, record metrics, report progress and stop.
/// Output folder: <c>checkpoints/</c>, <c>metrics.jsonl</c>, <c>report.html</c>, <c>summary.json</c>, <c>best/model.onnx</c>,
/// and with <see cref="TrainerOptions.Memory"/> the rehearsal memory <c>exemplars.json</c>. Class-incremental training
/// adds an earlier task's exemplars to the training set (<see cref="TrainerOptions.RehearsalExemplars"/>) and distils
/// the previous model's logits (<see cref="TrainerOptions.TeacherModel"/>); the training set may then lack the old classes.
/// </summary>
public sealed class Trainer
{
    private readonly TrainingPackageLayout _package;
    private readonly TrainingTask _task;
    private readonly IClipSource _source;
    private readonly TrainerOptions _options;
    private readonly TrainingSessionOptions _sessionOptions;
    private readonly ILogger _logger;

    /// <summary>A classifier run on labelled clips; without <paramref name="validation"/> a stratified share of <paramref name="train"/> validates.</summary>
    public Trainer(TrainingPackageLayout package, VideoDataset train, VideoDataset? validation, IClipSource source,
        string outputDirectory, TrainerOptions options, TrainingSessionOptions? sessionOptions = null, ILogger? logger = null)
        : this(package, Validated(options, o => new ClassificationTask(package, train, validation, o)), source, outputDirectory, options, sessionOptions, logger)
    {
    }

    /// <summary>
    /// A captioner run on a caption package: the clips of the caption splits (folders holding <c>captions.jsonl</c>),
    /// tokenised once with the package's tokenizer; without <paramref name="validationSplit"/> a seeded share of the
    /// training clips validates. The best epoch (by validation token accuracy) is exported as the captioner folder
    /// <see cref="BestModelPath"/>.
    /// </summary>
    public static Trainer ForCaptions(TrainingPackageLayout package, string trainSplit, string? validationSplit, IClipSource source,
        string outputDirectory, TrainerOptions options, TrainingSessionOptions? sessionOptions = null, ILogger? logger = null) =>
        new(package, Validated(options, o => new CaptionTask(package, trainSplit, validationSplit, o)), source, outputDirectory, options,
            sessionOptions, logger);

    private Trainer(TrainingPackageLayout package, TrainingTask task, IClipSource source, string outputDirectory, TrainerOptions options,
        TrainingSessionOptions? sessionOptions, ILogger? logger)
    {
        _package = package;
        _task = task;
        _source = source;
        _options = options;
        _sessionOptions = sessionOptions ?? new TrainingSessionOptions();
        _logger = logger ?? NullLogger.Instance;
        OutputDirectory = Path.GetFullPath(outputDirectory);
        task.Check(options);
        CheckAdversarial(package, options);
        CheckDistillation(package, options);
    }

    public string OutputDirectory { get; }
    /// <summary>The training clips (for a captioner: all under one placeholder class).</summary>
    public VideoDataset TrainSet => _task.Train;
    public VideoDataset? ValidationSet => _task.Validation;
    /// <summary>Exemplars of earlier tasks added to <see cref="TrainSet"/> (<see cref="TrainerOptions.RehearsalExemplars"/>).</summary>
    public int RehearsedClips => _task.Train.Count - _task.NewSamples.Count;
    public string CheckpointDirectory => Path.Combine(OutputDirectory, "checkpoints");
    /// <summary><c>best/model.onnx</c> for a classifier; the captioner folder <c>best/captioner</c> for a caption package.</summary>
    public string BestModelPath => _task.BestModelPath(OutputDirectory);
    public string MetricsPath => Path.Combine(OutputDirectory, "metrics.jsonl");
    public string ReportPath => Path.Combine(OutputDirectory, "report.html");
    public string SummaryPath => Path.Combine(OutputDirectory, "summary.json");
    /// <summary>Held while <see cref="RunAsync"/> runs; a second trainer on the folder gets <see cref="OutputInUseException"/>.</summary>
    public string LockPath => Path.Combine(OutputDirectory, "run.lock");
    /// <summary>The rehearsal memory written after training when <see cref="TrainerOptions.Memory"/> is set.</summary>
    public string ExemplarsPath => Path.Combine(OutputDirectory, ExemplarFile.FileName);

    public IProgress<TrainingProgress>? Progress { get; set; }

    /// <summary>Called after each epoch with its metrics line.</summary>
    public Action<EpochMetrics>? EpochCompleted { get; set; }

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
        var resumeFrom = ResumeCheckpoint.Choose(store, _options, OutputDirectory, MetricsPath, _logger);
        return await TrainAsync(store, resumeFrom, clock, ct).ConfigureAwait(false);
    }

    private async Task<TrainingSummary> TrainAsync(CheckpointStore store, Checkpoint? resumeFrom, Stopwatch clock, CancellationToken ct)
    {
        var state = resumeFrom is null ? new TrainerState() : TrainerState.FromJson(resumeFrom.ReadTrainerStateJson());
        var (package, source, features) = ChooseInputs();
        using var featureSource = features;
        var loader = NewLoader(_task.Train, source, _task.TrainTargets);
        var validationLoader = _task.Validation is null ? null : NewLoader(_task.Validation, source, _task.ValidationTargets);
        var stepsPerEpoch = (loader.TrainingBatchesPerEpoch + _options.AccumulationSteps - 1) / _options.AccumulationSteps;
        var totalSteps = (long)stepsPerEpoch * _options.Epochs;
        using var session = OpenSession(package, source, resumeFrom, Schedule(package, stepsPerEpoch, totalSteps));
        using var teacher = _options.TeacherModel is { } teacherPath ? OpenTeacher(teacherPath, session) : null;
        loader.Mixer = Mixer(session);
        var metricsLog = new MetricsLog(MetricsPath);
        metricsLog.TruncateAfter(state.Epoch);
        if (resumeFrom is not null)
        {
            _logger.LogInformation("resuming from {Checkpoint} (epoch {Epoch}, batch {Batch})", resumeFrom.Directory, state.Epoch + 1, state.NextBatch);
        }

        var run = new TrainingRun(session, state, loader.TrainingBatchesPerEpoch, totalSteps,
            validationLoader is null ? null : token => _task.ValidateAsync(session, validationLoader, token));
        var report = new ReportWriter(ReportPath, $"Training run: {Path.GetFileName(OutputDirectory)}", metricsLog, _task.ReportClasses);
        IStepPolicy policy = _options.Adversarial is { } attack ? new AdversarialSteps(session, attack, package.Contract!)
            : _options.AccumulationSteps == 1 ? new PlainSteps(session, teacher) : new AccumulatedSteps(session, _options.AccumulationSteps, teacher);
        await new TrainingLoop(run, policy, loader, _options.Seed, Callbacks(store, metricsLog, loader, report, clock)).RunAsync(ct).ConfigureAwait(false);

        var steps = session.OptimizerStepCount;
        var best = await ExportBestAsync(run, store, ct).ConfigureAwait(false);
        var captions = await _task.ScoreExportedAsync(BestModelPath, _sessionOptions.IntraOpThreads, ct).ConfigureAwait(false);
        var exemplars = _options.Memory is { } memory ? await StoreExemplarsAsync(memory, ct).ConfigureAwait(false) : null;
        var summary = new TrainingSummary
        {
            OutputDirectory = OutputDirectory,
            BestModelPath = BestModelPath,
            BestEpoch = run.State.BestEpoch + 1,
            EpochsRun = metricsLog.Epochs.Count,
            Steps = steps,
            SkippedSteps = run.State.SkippedSteps,
            FailedClips = loader.FailedClips + (validationLoader?.FailedClips ?? 0),
            StoppedEarly = run.State.StoppedEarly,
            Resumed = resumeFrom is not null,
            CachedBackboneFeatures = features is not null,
            BestValidation = best?.Classification,
            BestCaptions = captions,
            MetricsPath = MetricsPath,
            ReportPath = ReportPath,
            Seconds = clock.Elapsed.TotalSeconds,
            RehearsedClips = RehearsedClips,
            ExemplarsPath = exemplars is null ? null : ExemplarsPath,
            Exemplars = exemplars?.Exemplars.Count ?? 0,
        };
        report.Write(best?.Classification, captions);
        AtomicFile.WriteAllBytes(SummaryPath, JsonSerializer.SerializeToUtf8Bytes(summary, MetricsLog.JsonOptions));
        return summary;
    }

    /// <summary>The loop's callbacks, in order: the metrics line is written before the state moves to the next epoch and its checkpoint is saved.</summary>
    private List<ITrainingCallback> Callbacks(CheckpointStore store, MetricsLog metricsLog, ClipLoader loader, ReportWriter report, Stopwatch clock)
    {
        List<ITrainingCallback> callbacks =
        [
            new BadStepAbort(_options.MaxBadStepsInRow),
            new MetricsRecorder(metricsLog, loader, EpochCompleted),
            new EarlyStopping(_options.Patience, _options.Epochs, _logger, _options.TimeLimit, () => clock.Elapsed),
            new CheckpointCadence(store, _options.CheckpointEverySteps, _options.KeepCheckpoints),
            report,
        ];
        if (Progress is not null)
        {
            callbacks.Add(new ProgressReporter(Progress, _options.Epochs));
        }
        return callbacks;
    }

    /// <summary>The batch mixer for mixup/CutMix (null when off); the package's training graphs must take soft targets.</summary>
    private BatchMixer? Mixer(TrainingSession session)
    {
        if (_options.Mix is not { IsEnabled: true } mix)
        {
            return null;
        }
        if (!session.TakesSoftTargets)
        {
            throw new TrainingSessionException(session.Package.TrainStepPath, "the training graph takes hard labels only (the package was "
                + "written before soft targets): mixup and cutmix need the package written again with 'onnxvideo-export package'");
        }
        return new BatchMixer(mix, session.ClassCount, session.SampleShape);
    }

    private ClipLoader NewLoader(VideoDataset data, IClipSource source, IBatchTargets? targets) => new(data.Samples, source,
        new LoaderOptions { BatchSize = _options.BatchSize, Workers = _options.Workers, MaxFailedClips = _options.MaxFailedClips },
        _logger, _options.ClipCacheBytes)
    {
        Targets = targets,
    };

    private static TrainingTask Validated(TrainerOptions options, Func<TrainerOptions, TrainingTask> create)
    {
        options.Validate();
        return create(options);
    }

    private LearningRateSchedule Schedule(TrainingPackageLayout package, int stepsPerEpoch, long totalSteps)
    {
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
        return schedule;
    }

    private TrainingSession OpenSession(TrainingPackageLayout package, IClipSource source, Checkpoint? resumeFrom, LearningRateSchedule schedule)
    {
        var session = TrainingSession.Open(package, _sessionOptions with { ClipNorm = _options.ClipGradNorm, DropoutSeed = _options.Seed, EmaDecay = _options.EmaDecay ?? _sessionOptions.EmaDecay }, resumeFrom);
        session.Schedule = schedule;
        if (session.SampleElements != source.SampleElements)
        {
            session.Dispose();
            throw new TrainingSessionException(package.TrainStepPath,
                $"the model takes samples of [{string.Join(", ", session.SampleShape)}] but the contract produces {source.SampleElements} values per clip");
        }
        return session;
    }

    /// <summary>
    /// With head-only tuning and clips that do not change between epochs, trains the head on cached backbone features
    /// (the backbone runs once per clip); otherwise the package's graphs on the clips.
    /// </summary>
    private (TrainingPackageLayout Package, IClipSource Source, BackboneFeatureSource? Features) ChooseInputs()
    {
        // Mixup/CutMix and adversarial clips change what the backbone sees every step, so its features are not cached.
        // A teacher runs on the clips themselves, so distillation does not cache them either.
        if (!_options.CacheBackboneFeatures || !_source.TrainingIsDeterministic || _package.Tuning != TuningKind.Head || _package.IsCaptioner
            || _options.Mix is { IsEnabled: true } || _options.Adversarial is not null || _options.TeacherModel is not null)
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

    private static void CheckAdversarial(TrainingPackageLayout package, TrainerOptions options)
    {
        if (options.Adversarial is not { } attack)
        {
            return;
        }
        var flag = $"--adversarial {attack}";
        if (package.InputGradientPath is null)
        {
            throw new TrainingSessionException(package.Directory,
                "the package has no input-gradient graph, which adversarial training needs: compile it with `onnxvideo-export package --adversarial`");
        }
        if (package.Contract is null)
        {
            throw new AttackSpecException(flag, $"the package {package.Directory} has no preprocessing contract to convert pixel units with");
        }
        if (options.AccumulationSteps != 1)
        {
            throw new AttackSpecException(flag, "cannot be combined with gradient accumulation (--accumulate)");
        }
    }

    private static void CheckDistillation(TrainingPackageLayout package, TrainerOptions options)
    {
        if (options.TeacherModel is not { } teacher)
        {
            if (package.DistillationClasses is { } old)
            {
                throw new TrainingSessionException(package.Directory, $"the package was compiled with distillation of {old} old classes: "
                    + "give the previous task's model as the teacher (`onnxvideo train --teacher old.onnx`, TrainerOptions.TeacherModel)");
            }
            return;
        }
        if (package.DistillationClasses is not { } oldClasses)
        {
            throw new TeacherModelException(teacher, $"the package {package.Directory} was not compiled with distillation, so it cannot use a teacher: "
                + "compile it with `onnxvideo-export package --distill old_classes=K`");
        }
        if (options.Adversarial is not null)
        {
            throw new TeacherModelException(teacher, "distillation cannot be combined with adversarial training (--adversarial)");
        }
        TeacherModel.Check(teacher, oldClasses, null);
    }

    private TeacherModel OpenTeacher(string path, TrainingSession session)
    {
        TeacherModel.Check(path, session.DistillationClasses ?? 0, session.SampleShape.Select(d => (long)d).ToArray());
        return TeacherModel.Open(path, session.SampleShape.Select(d => (long)d).ToArray(), _sessionOptions.IntraOpThreads);
    }

    /// <summary>
    /// Picks the rehearsal memory from the new clips and the rehearsed exemplars with the exported best model, and
    /// writes it atomically to <see cref="ExemplarsPath"/>.
    /// </summary>
    private async Task<ExemplarFile> StoreExemplarsAsync(int memory, CancellationToken ct)
    {
        async Task<(float[]?[], string)> EmbedAsync(IReadOnlyList<VideoSample> samples)
        {
            using var features = ExemplarFeatures.Open(BestModelPath, _package.HeadWeight, _sessionOptions.IntraOpThreads);
            var vectors = await features.EmbedAsync(NewLoader(_task.Train.WithSamples(samples), _source, targets: null), ct).ConfigureAwait(false);
            return (vectors, features.Kind);
        }
        var file = await ExemplarMemory.SelectAsync(_task.Train.Classes, _task.NewSamples, _task.Rehearsal, memory, _options.MemorySelection, _options.Seed, EmbedAsync)
            .ConfigureAwait(false);
        file.Write(ExemplarsPath);
        _logger.LogInformation("stored {Count} exemplars of {Classes} classes in {Path} ({Selection})", file.Exemplars.Count,
            file.Exemplars.Select(e => e.Label).Distinct().Count(), ExemplarsPath, file.Selection);
        return file;
    }

    /// <summary>Exports the best epoch's weights (reloaded from its checkpoint when others came after it) and validates them.</summary>
    private async Task<ValidationReport?> ExportBestAsync(TrainingRun run, CheckpointStore store, CancellationToken ct)
    {
        var session = run.Session;
        if (run.State.BestStep >= 0 && run.State.BestStep != session.OptimizerStepCount)
        {
            session.LoadCheckpoint(store.Open(run.State.BestStep));
        }
        _task.Export(session, BestModelPath);
        return await run.ValidateAsync(ct).ConfigureAwait(false);
    }
}
