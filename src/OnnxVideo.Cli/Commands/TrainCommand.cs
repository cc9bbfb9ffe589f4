using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using OnnxVideo.Cli.Training;
using OnnxVideo.Media;
using OnnxVideo.Training;
using OnnxVideo.Training.Data;
using OnnxVideo.Training.Loading;
using OnnxVideo.Training.Metrics;
using OnnxVideo.Training.Schedules;
using OnnxVideo.Training.Packages;
using OnnxVideo.Training.Sessions;
using Spectre.Console;

namespace OnnxVideo.Cli.Commands;

/// <summary><c>onnxvideo train</c>: fine-tunes a training package on labelled clips.</summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var package = new Option<string>("--package") { Description = "training package folder (from 'onnxvideo-export package')", Required = true };
        var train = new Option<string>("--train") { Description = "training clips: a folder-per-class tree or a list file ('path label')", Required = true };
        var val = new Option<string?>("--val") { Description = "validation clips (default: a stratified share of --train)" };
        var output = new Option<string>("--out") { Description = "run folder: checkpoints, metrics.jsonl, report.html, best/model.onnx", Required = true };
        var classMap = new Option<string?>("--class-map") { Description = "class-map file when the package's contract has no labels" };
        var epochs = new Option<int>("--epochs") { Description = "epochs", DefaultValueFactory = _ => 10 };
        var batch = new Option<int>("--batch") { Description = "clips per batch", DefaultValueFactory = _ => 8 };
        var lr = new Option<double?>("--lr") { Description = "peak learning rate (default: the package's)" };
        var optimizer = new Option<string?>("--optimizer") { Description = "adamw or sgd: must be what the package was compiled with" };
        var weightDecay = new Option<float?>("--weight-decay") { Description = "must equal the package's compiled weight decay" };
        var schedule = new Option<string>("--schedule") { Description = "cosine, step or constant", DefaultValueFactory = _ => "cosine" };
        var warmup = new Option<int>("--warmup") { Description = "linear warm-up, in optimizer steps" };
        var labelSmoothing = new Option<float?>("--label-smoothing") { Description = "must equal the package's compiled label smoothing" };
        var clipGrad = new Option<float>("--clip-grad") { Description = "clip the global gradient norm to this value (0 = off)" };
        var accumulate = new Option<int>("--accumulate") { Description = "micro-batches per optimizer step", DefaultValueFactory = _ => 1 };
        var patience = new Option<int>("--patience") { Description = "stop after this many epochs without better validation top-1 (0 = off)" };
        var workers = new Option<int>("--workers") { Description = "clips decoded in parallel", DefaultValueFactory = _ => Math.Max(1, Environment.ProcessorCount) };
        var device = new Option<string>("--device") { Description = "cpu, cuda, tensorrt or auto", DefaultValueFactory = _ => "cpu" };
        var threads = new Option<int>("--threads") { Description = "ONNX Runtime intra-op threads; a fixed count keeps CPU runs repeatable", DefaultValueFactory = _ => Math.Max(1, Environment.ProcessorCount) };
        var seed = new Option<int>("--seed") { Description = "seed of shuffling, augmentation and the validation split" };
        var resume = new Option<bool>("--resume") { Description = "continue from the newest valid checkpoint in --out" };
        var fresh = new Option<bool>("--fresh") { Description = "start over when --out holds an earlier run none of whose checkpoints verifies (otherwise refused)" };
        var json = new Option<bool>("--json") { Description = "print the final summary as JSON (progress goes to stderr)" };
        var augment = new Option<string>("--augment") { Description = "none, crop (random resized crop + temporal jitter) or crop+flip", DefaultValueFactory = _ => "crop" };
        var checkpointEvery = new Option<int>("--checkpoint-every") { Description = "also checkpoint every N optimizer steps (0 = epoch ends only)" };
        var maxBad = new Option<int>("--max-bad-steps") { Description = "stop after this many non-finite steps in a row", DefaultValueFactory = _ => 5 };
        var noPad = new Option<bool>("--no-pad") { Description = "fail (skip) clips that are shorter than a clip, truncated, or have undecodable frames instead of repeating frames" };
        var maxFailed = new Option<int>("--max-failed") { Description = "clips that may fail to decode before training stops", DefaultValueFactory = _ => 10 };

        var command = new Command("train", "fine-tune a training package on labelled clips; exports best/model.onnx");
        foreach (var option in new Option[] { package, train, val, output, classMap, epochs, batch, lr, optimizer, weightDecay, schedule,
                     warmup, labelSmoothing, clipGrad, accumulate, patience, workers, device, threads, seed, resume, fresh, json, augment,
                     checkpointEvery, maxBad, maxFailed, noPad })
        {
            command.Options.Add(option);
        }
        var gpu = GpuProviderFlags.AddTo(command, batchProfiles: false);
        command.SetAction((parse, ct) => Task.FromResult(TrainingCliErrors.Run(() =>
        {
            var gpuSettings = gpu.Read(parse);
            var layout = PackageLayouts.Load(parse.GetValue(package)!);
            var requestedOptimizer = parse.GetValue(optimizer);
            CheckCompiled("--optimizer", requestedOptimizer, layout.Optimizer.ToString(),
                requestedOptimizer is null || string.Equals(requestedOptimizer, layout.Optimizer.ToString(), StringComparison.OrdinalIgnoreCase));
            var requestedDecay = parse.GetValue(weightDecay);
            CheckCompiled("--weight-decay", requestedDecay?.ToString(CultureInfo.InvariantCulture), layout.WeightDecay.ToString(CultureInfo.InvariantCulture),
                requestedDecay is null || Math.Abs(requestedDecay.Value - layout.WeightDecay) < 1e-9);
            var requestedSmoothing = parse.GetValue(labelSmoothing);
            CheckCompiled("--label-smoothing", requestedSmoothing?.ToString(CultureInfo.InvariantCulture), layout.LabelSmoothing.ToString(CultureInfo.InvariantCulture),
                requestedSmoothing is null || Math.Abs(requestedSmoothing.Value - layout.LabelSmoothing) < 1e-9);
            var contract = layout.Contract ?? throw new InvalidContractException(layout.Directory, "the package has no preprocessing contract");
            var classes = contract.Labels.Length > 0 ? contract.Labels : null;
            var trainSet = DatasetReader.Read(parse.GetValue(train)!,
                new DatasetOptions { Classes = classes, ClassMapPath = parse.GetValue(classMap), RequireEveryClass = true });
            var valPath = parse.GetValue(val);
            var valSet = valPath is null ? null : DatasetReader.Read(valPath, new DatasetOptions { Classes = trainSet.Classes });
            var source = new VideoClipSource(contract, Augmentation(parse.GetValue(augment)!),
                NoPadOption.MediaOptions(parse.GetValue(noPad)));
            var options = new TrainerOptions
            {
                Epochs = parse.GetValue(epochs),
                BatchSize = parse.GetValue(batch),
                LearningRate = parse.GetValue(lr),
                Schedule = ParseSchedule(parse.GetValue(schedule)!),
                WarmupSteps = parse.GetValue(warmup),
                ClipGradNorm = parse.GetValue(clipGrad),
                AccumulationSteps = parse.GetValue(accumulate),
                Patience = parse.GetValue(patience),
                Workers = parse.GetValue(workers),
                Seed = parse.GetValue(seed),
                Resume = parse.GetValue(resume),
                StartFresh = parse.GetValue(fresh),
                CheckpointEverySteps = parse.GetValue(checkpointEvery),
                MaxBadStepsInRow = parse.GetValue(maxBad),
                MaxFailedClips = parse.GetValue(maxFailed),
            };
            var sessionOptions = new TrainingSessionOptions
            {
                ExecutionProvider = DeviceOption.Parse(parse.GetValue(device)!),
                IntraOpThreads = parse.GetValue(threads),
                DeviceId = gpuSettings.DeviceId,
                Cuda = gpuSettings.Cuda,
                TensorRt = gpuSettings.TensorRt,
            };
            var logger = new StderrLogger();
            var asJson = parse.GetValue(json);
            TrainingSummary RunTrainer(IProgress<TrainingProgress>? progress, Action<EpochMetrics> epochDone)
            {
                var trainer = new Trainer(layout, trainSet, valSet, source, parse.GetValue(output)!, options, sessionOptions, logger)
                {
                    Progress = progress,
                    EpochCompleted = epochDone,
                };
                var what = trainer.ValidationSet is null ? "no validation set" : $"{trainer.ValidationSet.Count} validation clips";
                Console.Error.WriteLine($"training {layout.Tuning} ({layout.Optimizer}) on {trainer.TrainSet.Count} clips, {what}, {trainSet.Classes.Count} classes");
                return trainer.RunAsync(ct).GetAwaiter().GetResult();
            }
            TrainingSummary summary;
            if (asJson || Console.IsOutputRedirected || Console.IsErrorRedirected)
            {
                var lines = asJson ? Console.Error : Console.Out;
                summary = RunTrainer(null, e => lines.WriteLine(TrainingConsole.EpochLine(e)));
            }
            else
            {
                summary = TrainingConsole.RunWithProgressBar(AnsiConsole.Console, (progress, epochDone) => RunTrainer(progress, epochDone));
            }
            if (asJson)
            {
                Console.WriteLine(JsonSerializer.Serialize(summary, MetricsLog.JsonOptions));
            }
            else
            {
                PrintSummary(summary);
            }
            return 0;
        })));
        return command;
    }

    private static void PrintSummary(TrainingSummary s)
    {
        var validation = s.BestValidation is { } v
            ? string.Create(CultureInfo.InvariantCulture, $", validation top-1 {v.Top1 * 100:0.0} %, top-5 {v.Top5 * 100:0.0} %, mean class accuracy {v.MeanClassAccuracy * 100:0.0} %")
            : "";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"done: {s.EpochsRun} epochs, {s.Steps} steps in {s.Seconds:0.0} s{(s.StoppedEarly ? " (stopped early)" : "")}{(s.SkippedSteps > 0 ? $", {s.SkippedSteps} non-finite steps skipped" : "")}{(s.FailedClips > 0 ? $", {s.FailedClips} clips failed to decode" : "")}"));
        Console.WriteLine($"best model: {s.BestModelPath} (epoch {s.BestEpoch}{validation})");
        Console.WriteLine($"metrics: {s.MetricsPath}  report: {s.ReportPath}");
    }

    /// <summary>The optimizer, its weight decay and the loss's label smoothing are compiled into the package's graphs.</summary>
    private static void CheckCompiled(string flag, string? requested, string compiled, bool matches)
    {
        if (!matches)
        {
            throw new ArgumentException($"{flag} {requested}: the package's training graph was compiled with {compiled}; " +
                                        "these settings are part of the graph, so compile a package with them ('onnxvideo-export package')");
        }
    }

    private static ClipAugmentation Augmentation(string name) => name.ToLowerInvariant() switch
    {
        "none" => ClipAugmentation.None,
        "crop" => new ClipAugmentation(),
        "crop+flip" => new ClipAugmentation { HorizontalFlip = true },
        _ => throw new ArgumentException($"--augment: unknown augmentation '{name}' (none, crop, crop+flip)"),
    };

    private static ScheduleKind ParseSchedule(string name) => name.ToLowerInvariant() switch
    {
        "cosine" => ScheduleKind.Cosine,
        "step" => ScheduleKind.Step,
        "constant" => ScheduleKind.Constant,
        _ => throw new ArgumentException($"--schedule: unknown schedule '{name}' (cosine, step, constant)"),
    };
}
