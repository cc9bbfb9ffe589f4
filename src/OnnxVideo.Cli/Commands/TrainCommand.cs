using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using OnnxVideo.Cli.Training;
using OnnxVideo.CommandLine;
using OnnxVideo.Media;
using OnnxVideo.Ort;
using OnnxVideo.Training;
using OnnxVideo.Training.Adversarial;
using OnnxVideo.Training.Data;
using OnnxVideo.Training.Loading;
using OnnxVideo.Training.Metrics;
using OnnxVideo.Training.Packages;
using OnnxVideo.Training.Schedules;
using OnnxVideo.Training.Sessions;
using Spectre.Console;

namespace OnnxVideo.Cli.Commands;

/// <summary><c>onnxvideo train</c>: fine-tunes a training package on labelled clips.</summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var flags = new Flags();
        var command = new Command("train", "Fine-tune a training package on labelled clips (exports best/model.onnx), or a caption package on captioned clips (exports best/captioner/)");
        foreach (var option in flags.All().Concat(flags.Continual.All()))
        {
            command.Options.Add(option);
        }
        flags.Gpu = GpuProviderFlags.AddTo(command, batchProfiles: false);
        command.SetHandler((parse, ct) => RunAsync(flags, parse, ct));
        return command;
    }

    /// <summary>The options of <c>train</c>.</summary>
    private sealed class Flags
    {
        public Option<string> Package { get; } = new("--package") { Description = "Training package folder (from 'onnxvideo-export package')", Required = true };
        public Option<string> Train { get; } = new("--train") { Description = "Training clips: a folder-per-class tree or a list file ('path label'); for a caption package a folder holding captions.jsonl", Required = true };
        public Option<string?> Val { get; } = new("--val") { Description = "Validation clips (default: a stratified share of --train)" };
        public Option<string> Output { get; } = new("--out") { Description = "Run folder: checkpoints, metrics.jsonl, report.html, best/model.onnx", Required = true };
        public Option<string?> ClassMap { get; } = new("--class-map") { Description = "Class-map file when the package's labels are placeholders (a model built from a class count) or absent" };
        public Option<int> Epochs { get; } = CommonOptions.AtLeast(new Option<int>("--epochs") { Description = "Epochs (default 10)", DefaultValueFactory = _ => 10 }, 1);
        public Option<int> Batch { get; } = CommonOptions.AtLeast(new Option<int>("--batch") { Description = "Clips per batch (default 8)", DefaultValueFactory = _ => 8 }, 1);
        public Option<double?> Lr { get; } = CommonOptions.Positive(new Option<double?>("--lr") { Description = "Peak learning rate (default: the package's)" });
        public Option<string?> Optimizer { get; } = new("--optimizer") { Description = "adamw or sgd: must be what the package was compiled with" };
        public Option<float?> WeightDecay { get; } = new("--weight-decay") { Description = "Must equal the package's compiled weight decay" };
        public Option<string> Schedule { get; } = new("--schedule") { Description = "cosine, step or constant (default cosine)", DefaultValueFactory = _ => "cosine" };
        public Option<int> Warmup { get; } = CommonOptions.AtLeast(new Option<int>("--warmup") { Description = "Linear warm-up, in optimizer steps" }, 0);
        public Option<float?> LabelSmoothing { get; } = new("--label-smoothing") { Description = "Must equal the package's compiled label smoothing" };
        public Option<float> ClipGrad { get; } = CommonOptions.AtLeast(new Option<float>("--clip-grad") { Description = "Clip the global gradient norm to this value (0 = off)" }, 0);
        public Option<int> Accumulate { get; } = CommonOptions.AtLeast(new Option<int>("--accumulate") { Description = "Micro-batches per optimizer step (default 1)", DefaultValueFactory = _ => 1 }, 1);
        public Option<int> Patience { get; } = CommonOptions.AtLeast(new Option<int>("--patience") { Description = "Stop after this many epochs without better validation top-1 (0 = off)" }, 0);
        public Option<int> Workers { get; } = CommonOptions.Workers();
        public Option<ExecutionProvider> Device { get; } = CommonOptions.Device();
        public Option<int> Threads { get; } = CommonOptions.Threads();
        public Option<int> Seed { get; } = CommonOptions.Seed("shuffling, augmentation and the validation split");
        public Option<bool> Resume { get; } = new("--resume") { Description = "Continue from the newest valid checkpoint in --out" };
        public Option<bool> Fresh { get; } = new("--fresh") { Description = "Start over when --out holds an earlier run none of whose checkpoints verifies (otherwise refused)" };
        public Option<bool> Json { get; } = CommonOptions.Json("the final summary (progress goes to stderr)");
        public Option<string> Augment { get; } = new("--augment") { Description = "none, crop (random resized crop + temporal jitter) or crop+flip (default crop)", DefaultValueFactory = _ => "crop" };
        public Option<int> CheckpointEvery { get; } = CommonOptions.AtLeast(new Option<int>("--checkpoint-every") { Description = "Also checkpoint every N optimizer steps (0 = epoch ends only)" }, 0);
        public Option<int> MaxBadSteps { get; } = CommonOptions.AtLeast(new Option<int>("--max-bad-steps") { Description = "Stop after this many non-finite steps in a row (default 5)", DefaultValueFactory = _ => 5 }, 1);
        public Option<int> MaxFailed { get; } = CommonOptions.AtLeast(new Option<int>("--max-failed") { Description = "Clips that may fail to decode before training stops (default 10)", DefaultValueFactory = _ => 10 }, 0);
        public Option<bool> NoPad { get; } = NoPadOption.Create();
        public Option<double> Mixup { get; } = Finite(CommonOptions.AtLeast(new Option<double>("--mixup") { Description = "Mixup: blend each batch with its reverse, λ ~ Beta(alpha, alpha) (0 = off; e.g. 0.8)" }, 0));
        public Option<double> Cutmix { get; } = Finite(CommonOptions.AtLeast(new Option<double>("--cutmix") { Description = "CutMix: paste a box (same in every frame) from the reversed batch, λ ~ Beta(alpha, alpha) (0 = off; e.g. 1.0)" }, 0));
        public Option<double> MixProb { get; } = CommonOptions.Between(new Option<double>("--mix-prob") { Description = "Share of batches mixed when --mixup/--cutmix is on (default 1)", DefaultValueFactory = _ => 1.0 }, 0, 1);
        public Option<double> MixSwitchProb { get; } = CommonOptions.Between(new Option<double>("--mix-switch-prob") { Description = "With both --mixup and --cutmix: share of mixed batches that use CutMix (default 0.5)", DefaultValueFactory = _ => 0.5 }, 0, 1);
        public Option<double?> Ema { get; } = CommonOptions.Between(new Option<double?>("--ema") { Description = "Keep an exponential moving average of the weights with this decay (e.g. 0.999); validation and best/model.onnx use it" }, 0, 1, excludeMinimum: true, excludeMaximum: true);
        public Option<string?> Adversarial { get; } = new("--adversarial")
        {
            Description = "Also train on each batch's adversarial clips: fgsm:eps=E or pgd:eps=E,steps=K,alpha=A (pixel units 0-255; the package needs `onnxvideo-export package --adversarial`)",
        };
        public ContinualFlags Continual { get; } = new();
        public Option<double?> TimeLimit { get; } = CommonOptions.Positive(new Option<double?>("--time-limit")
        {
            Description = "Minutes this run may take: after an epoch it finishes once past the limit, or when one more epoch as long as the last would end past it (from the second epoch on); the best epoch is exported",
        });
        public GpuProviderFlags Gpu { get; set; } = null!;

        public IEnumerable<Option> All() => [Package, Train, Val, Output, ClassMap, Epochs, Batch, Lr, Optimizer, WeightDecay, Schedule, Warmup,
            LabelSmoothing, ClipGrad, Accumulate, Patience, Workers, Device, Threads, Seed, Resume, Fresh, Json, Augment, CheckpointEvery, MaxBadSteps,
            MaxFailed, NoPad, Mixup, Cutmix, MixProb, MixSwitchProb, Ema, Adversarial, TimeLimit];

        /// <summary>Alphas are Beta parameters: infinity is refused like NaN.</summary>
        private static Option<double> Finite(Option<double> option)
        {
            option.Validators.Add(result =>
            {
                if (result.GetValueOrDefault<double>() is var value && double.IsInfinity(value))
                {
                    result.AddError($"{option.Name} must be a finite number (got {value.ToString(CultureInfo.InvariantCulture)})");
                }
            });
            return option;
        }
    }

    private static async Task<int> RunAsync(Flags f, ParseResult parse, CancellationToken ct)
    {
        var sessionOptions = SessionOptionsFrom(f, parse, f.Gpu.Read(parse));
        FlagValues.Check(sessionOptions.Validate);
        var layout = PackageLayouts.Load(parse.GetValue(f.Package)!);
        CheckCompiledSettings(f, parse, layout);
        var contract = layout.Contract ?? throw new InvalidContractException(layout.Directory, "the package has no preprocessing contract");
        var source = new VideoClipSource(contract, Augmentation(parse.GetValue(f.Augment)!), NoPadOption.MediaOptions(parse.GetValue(f.NoPad)));
        var options = f.Continual.Apply(TrainerOptionsFrom(f, parse), parse, layout.DistillationClasses is not null);
        FlagValues.Check(options.Validate);
        var runDirectory = parse.GetValue(f.Output)!;
        var logger = new StderrLogger();
        var trainer = NewTrainer(f, parse, layout, source, runDirectory, options, sessionOptions, logger);
        UserFileException.Guard(runDirectory, "cannot create the run folder", () => Directory.CreateDirectory(runDirectory));
        var asJson = parse.GetValue(f.Json);
        Task<TrainingSummary> RunTrainerAsync(IProgress<TrainingProgress>? progress, Action<EpochMetrics> epochDone)
        {
            trainer.Progress = progress;
            trainer.EpochCompleted = epochDone;
            var what = trainer.ValidationSet is null ? "no validation set" : $"{trainer.ValidationSet.Count} validation clips";
            var rehearsed = trainer.RehearsedClips > 0 ? $" ({trainer.RehearsedClips} rehearsed exemplars)" : "";
            Console.Error.WriteLine(layout.IsCaptioner
                ? $"training a captioner, {layout.Tuning} ({layout.Optimizer}), on {trainer.TrainSet.Count} captioned clips, {what}, vocabulary {layout.ClassCount}"
                : $"training {layout.Tuning} ({layout.Optimizer}) on {trainer.TrainSet.Count} clips{rehearsed}, {what}, {trainer.TrainSet.Classes.Count} classes");
            return trainer.RunAsync(ct);
        }
        TrainingSummary summary;
        try
        {
            if (asJson || Console.IsOutputRedirected || Console.IsErrorRedirected)
            {
                var lines = asJson ? Console.Error : Console.Out;
                summary = await RunTrainerAsync(null, e => lines.WriteLine(TrainingConsole.EpochLine(e)));
            }
            else
            {
                summary = await TrainingConsole.RunWithProgressBarAsync(AnsiConsole.Console, RunTrainerAsync);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            Console.Error.WriteLine("interrupted: the newest checkpoint is kept; continue with --resume");
            return ExitCodes.Interrupted;
        }
        if (asJson)
        {
            Console.WriteLine(JsonSerializer.Serialize(summary, MetricsLog.JsonOptions));
        }
        else
        {
            PrintSummary(summary);
        }
        return ExitCodes.Ok;
    }

    /// <summary>A caption package (its manifest has a caption entry) trains on caption splits (folders with captions.jsonl); a classifier on labelled clips.</summary>
    private static Trainer NewTrainer(Flags f, ParseResult parse, TrainingPackageLayout layout, VideoClipSource source, string runDirectory,
        TrainerOptions options, TrainingSessionOptions sessionOptions, StderrLogger logger)
    {
        var trainPath = parse.GetValue(f.Train)!;
        var valPath = parse.GetValue(f.Val);
        if (layout.IsCaptioner)
        {
            if (parse.GetValue(f.ClassMap) is { } classMap)
            {
                throw new InvalidFlagException("--class-map", classMap, "a caption package has no classes");
            }
            if (f.Continual.FirstGiven(parse) is { } continual)
            {
                throw new InvalidFlagException(continual, "rehearsal memory, exemplars and distillation teachers are class-incremental; a caption package has no classes to keep");
            }
            if (new[] { f.Mixup, f.Cutmix }.FirstOrDefault(o => parse.GetValue(o) > 0) is { } mix)
            {
                throw new InvalidFlagException(mix.Name, "mixup and cutmix mix class labels; a caption package trains on caption tokens");
            }
            return Trainer.ForCaptions(layout, trainPath, valPath, source, runDirectory, options, sessionOptions, logger);
        }
        var trainSet = TrainingSetClasses.Read(trainPath, parse.GetValue(f.ClassMap), source.Contract, layout.ClassCount,
            allowMissingClasses: f.Continual.IsIncremental(parse));
        var valSet = valPath is null ? null : DatasetReader.Read(valPath, new DatasetOptions { Classes = trainSet.Classes });
        return new Trainer(layout, trainSet, valSet, source, runDirectory, options, sessionOptions, logger);
    }

    private static TrainingSessionOptions SessionOptionsFrom(Flags f, ParseResult parse, GpuProviderSettings gpu) => new()
    {
        ExecutionProvider = parse.GetValue(f.Device),
        IntraOpThreads = parse.GetValue(f.Threads),
        DeviceId = gpu.DeviceId,
        Cuda = gpu.Cuda,
        TensorRt = gpu.TensorRt,
    };

    private static TrainerOptions TrainerOptionsFrom(Flags f, ParseResult parse) => new()
    {
        Epochs = parse.GetValue(f.Epochs),
        BatchSize = parse.GetValue(f.Batch),
        LearningRate = parse.GetValue(f.Lr),
        Schedule = ParseSchedule(parse.GetValue(f.Schedule)!),
        WarmupSteps = parse.GetValue(f.Warmup),
        ClipGradNorm = parse.GetValue(f.ClipGrad),
        AccumulationSteps = parse.GetValue(f.Accumulate),
        Patience = parse.GetValue(f.Patience),
        Workers = parse.GetValue(f.Workers),
        Seed = parse.GetValue(f.Seed),
        Resume = parse.GetValue(f.Resume),
        StartFresh = parse.GetValue(f.Fresh),
        CheckpointEverySteps = parse.GetValue(f.CheckpointEvery),
        MaxBadStepsInRow = parse.GetValue(f.MaxBadSteps),
        MaxFailedClips = parse.GetValue(f.MaxFailed),
        Mix = new MixSettings
        {
            MixupAlpha = parse.GetValue(f.Mixup),
            CutmixAlpha = parse.GetValue(f.Cutmix),
            Probability = parse.GetValue(f.MixProb),
            SwitchProbability = parse.GetValue(f.MixSwitchProb),
        },
        EmaDecay = parse.GetValue(f.Ema),
        Adversarial = parse.GetValue(f.Adversarial) is { } attack ? AttackSpec.Parse(attack, "--adversarial") : null,
        TimeLimit = parse.GetValue(f.TimeLimit) is { } minutes ? TimeSpan.FromMinutes(minutes) : null,
    };

    /// <summary>The optimizer, its weight decay and the loss's label smoothing are compiled into the package's graphs.</summary>
    private static void CheckCompiledSettings(Flags f, ParseResult parse, TrainingPackageLayout layout)
    {
        var requestedOptimizer = parse.GetValue(f.Optimizer);
        CheckCompiled("--optimizer", requestedOptimizer, layout.Optimizer.ToString(),
            requestedOptimizer is null || string.Equals(requestedOptimizer, layout.Optimizer.ToString(), StringComparison.OrdinalIgnoreCase));
        var requestedDecay = parse.GetValue(f.WeightDecay);
        CheckCompiled("--weight-decay", requestedDecay?.ToString(CultureInfo.InvariantCulture), layout.WeightDecay.ToString(CultureInfo.InvariantCulture),
            requestedDecay is null || Math.Abs(requestedDecay.Value - layout.WeightDecay) < 1e-9);
        var requestedSmoothing = parse.GetValue(f.LabelSmoothing);
        CheckCompiled("--label-smoothing", requestedSmoothing?.ToString(CultureInfo.InvariantCulture), layout.LabelSmoothing.ToString(CultureInfo.InvariantCulture),
            requestedSmoothing is null || Math.Abs(requestedSmoothing.Value - layout.LabelSmoothing) < 1e-9);
    }

    private static void PrintSummary(TrainingSummary s)
    {
        var validation = s.BestValidation is { } v
            ? string.Create(CultureInfo.InvariantCulture, $", validation top-1 {v.Top1 * 100:0.0} %, top-5 {v.Top5 * 100:0.0} %, mean class accuracy {v.MeanClassAccuracy * 100:0.0} %")
            : "";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"done: {s.EpochsRun} epochs, {s.Steps} steps in {s.Seconds:0.0} s{(s.StoppedEarly ? " (stopped early)" : "")}{(s.SkippedSteps > 0 ? $", {s.SkippedSteps} non-finite steps skipped" : "")}{(s.FailedClips > 0 ? $", {s.FailedClips} clips failed to decode" : "")}"));
        Console.WriteLine($"best model: {s.BestModelPath} (epoch {s.BestEpoch}{validation})");
        if (s.BestCaptions is { } c)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"captions on the {c.Count} validation clips: BLEU-4 {c.Bleu4:0.000}, CIDEr-D {c.CiderD:0.000}, exact match {c.ExactMatch * 100:0.0} %, retrieval recall@1 {c.RecallAt1 * 100:0.0} %"));
            foreach (var sample in c.Samples.Take(3))
            {
                Console.WriteLine($"  {Path.GetFileName(sample.Video)}: \"{sample.Caption}\"");
            }
        }
        Console.WriteLine($"metrics: {s.MetricsPath}  report: {s.ReportPath}");
    }

    private static void CheckCompiled(string flag, string? requested, string compiled, bool matches)
    {
        if (!matches)
        {
            throw new InvalidFlagException(flag, requested ?? "", $"the package's training graph was compiled with {compiled}; " +
                                           "these settings are part of the graph, so compile a package with them ('onnxvideo-export package')");
        }
    }

    private static ClipAugmentation Augmentation(string name) => name.ToLowerInvariant() switch
    {
        "none" => ClipAugmentation.None,
        "crop" => new ClipAugmentation(),
        "crop+flip" => new ClipAugmentation { HorizontalFlip = true },
        _ => throw new InvalidFlagException("--augment", name, "unknown augmentation (none, crop, crop+flip)"),
    };

    private static ScheduleKind ParseSchedule(string name) => name.ToLowerInvariant() switch
    {
        "cosine" => ScheduleKind.Cosine,
        "step" => ScheduleKind.Step,
        "constant" => ScheduleKind.Constant,
        _ => throw new InvalidFlagException("--schedule", name, "unknown schedule (cosine, step, constant)"),
    };
}
