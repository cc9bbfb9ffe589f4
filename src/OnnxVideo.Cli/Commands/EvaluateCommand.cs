using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using OnnxVideo.Cli.Captioning;
using OnnxVideo.Cli.FewShot;
using OnnxVideo.Cli.Training;
using OnnxVideo.CommandLine;
using OnnxVideo.Onnx;
using OnnxVideo.Ort;
using OnnxVideo.Runtime;
using OnnxVideo.Training.Adversarial;
using OnnxVideo.Training.Data;
using OnnxVideo.Training.Evaluation;
using OnnxVideo.Training.Metrics;
using OnnxVideo.Training.Reports;
using Spectre.Console;

namespace OnnxVideo.Cli.Commands;

/// <summary><c>onnxvideo evaluate</c>: scores a model.onnx on a labelled folder or list file.</summary>
public static class EvaluateCommand
{
    public static Command Create()
    {
        var f = new Flags();
        var command = new Command("evaluate", "Evaluate a model on labelled clips (top-1/top-5, mean class accuracy, per-class precision/recall/F1, confusion matrix), or a captioner on captioned clips (BLEU-4, CIDEr-D, exact match, retrieval recall@K)");
        foreach (var option in f.All())
        {
            command.Options.Add(option);
        }
        f.Gpu = GpuProviderFlags.AddTo(command, batchProfiles: true);
        command.SetHandler((parse, ct) => RunAsync(f, parse, ct));
        return command;
    }

    /// <summary>The options of <c>evaluate</c>.</summary>
    private sealed class Flags
    {
        public Option<string> Model { get; } = new("--model", "-m") { Description = "The model.onnx to evaluate (with its preprocessing contract), or a captioner folder", Required = true };
        public Option<string> Data { get; } = new("--data") { Description = "Labelled clips: a folder-per-class tree or a list file ('path label'); for a captioner a caption split (folder with captions.jsonl)", Required = true };
        public Option<bool> Retrieval { get; } = new("--retrieval") { Description = "Captioners: also text-to-clip retrieval recall@1/5/10 (each clip's first caption as the query)" };
        public SearchFlags Search { get; } = new();
        public Option<string?> ClassMap { get; } = new("--class-map") { Description = "Class-map file when the model's contract has no labels" };
        public Option<bool> Json { get; } = CommonOptions.Json("the report");
        public Option<string?> Report { get; } = new("--report") { Description = "Folder to write report.html and metrics.json into" };
        public Option<int> Batch { get; } = CommonOptions.AtLeast(new Option<int>("--batch") { Description = "Clips per model run (default 8)", DefaultValueFactory = _ => 8 }, 1);
        public Option<int> Workers { get; } = CommonOptions.Workers();
        public Option<ExecutionProvider> Device { get; } = CommonOptions.Device();
        public Option<int> Threads { get; } = CommonOptions.Threads();
        public Option<int> MaxFailed { get; } = CommonOptions.AtLeast(
            new Option<int>("--max-failed") { Description = "Clips that may fail to decode before evaluation stops (default 100)", DefaultValueFactory = _ => 100 }, 0);
        public Option<bool> NoPad { get; } = NoPadOption.Create();
        public Option<string?> Attack { get; } = new("--attack")
        {
            Description = "Robust accuracy under an L-inf attack next to clean: fgsm:eps=E or pgd:eps=E,steps=K,alpha=A (pixel units 0-255; one centre clip per video)",
        };
        public Option<int> Seed { get; } = CommonOptions.Seed("the episodes' draws");
        public Option<string?> Tasks { get; } = new("--tasks")
        {
            Description = "Class-incremental report: a task file ({\"tasks\": [{\"name\": …, \"classes\": […]}, …]}); accuracy per task over all the model's classes, old against new",
        };
        public Option<string?> History { get; } = new("--history")
        {
            Description = "With --tasks: a history file (created when missing) that each evaluation appends to; old tasks get their accuracy before, best earlier and forgetting",
        };
        public EpisodeFlags Episodes { get; } = new();
        public GpuProviderFlags Gpu { get; set; } = null!;

        public IEnumerable<Option> All() => [Model, Data, ClassMap, Json, Report, Batch, Workers, Device, Threads, MaxFailed, NoPad, Attack, Seed, Tasks, History,
            Retrieval, .. Search.All(), .. Episodes.All()];
    }

    private static async Task<int> RunAsync(Flags f, ParseResult parse, CancellationToken ct)
    {
        var modelPath = parse.GetValue(f.Model)!;
        if (CaptionEvaluationRun.IsCaptioner(modelPath) || parse.GetValue(f.Retrieval))
        {
            return await EvaluateCaptionerAsync(f, parse, modelPath, ct);
        }
        var options = ClassifierOptions(modelPath, parse.GetValue(f.Device), f.Gpu.Read(parse), parse.GetValue(f.Batch));
        options.IntraOpThreads = parse.GetValue(f.Threads);
        options.DecodeWorkers = parse.GetValue(f.Workers);
        options.PadShortVideos = !parse.GetValue(f.NoPad);
        var attack = parse.GetValue(f.Attack) is { } attackText ? AttackSpec.Parse(attackText) : null;
        if (parse.GetValue(f.Tasks) is { } tasks)
        {
            if (attack is not null || parse.GetValue(f.Episodes.Episodes) is not null)
            {
                throw new InvalidFlagException("--tasks", tasks, "cannot be combined with --attack or --episodes");
            }
            return await ContinualEvaluationRun.RunAsync(modelPath, parse.GetValue(f.Data)!, parse.GetValue(f.ClassMap), tasks, parse.GetValue(f.History),
                options, parse.GetValue(f.Json), ct);
        }
        if (parse.GetValue(f.History) is { } history)
        {
            throw new InvalidFlagException("--history", history, "needs --tasks");
        }
        if (parse.GetValue(f.Episodes.Episodes) is not null)
        {
            if (attack is not null)
            {
                throw new InvalidFlagException("--attack", attack.ToString(), "cannot be combined with --episodes");
            }
            return await EpisodeEvaluationRun.RunAsync(modelPath, parse.GetValue(f.Data)!, parse.GetValue(f.ClassMap), f.Episodes.Read(parse, parse.GetValue(f.Seed)),
                parse.GetValue(f.Episodes.Features)!, options, parse.GetValue(f.Json), ct);
        }
        if (attack is not null)
        {
            return await AttackEvaluationRun.RunAsync(modelPath, parse.GetValue(f.Data)!, parse.GetValue(f.ClassMap), attack, parse.GetValue(f.Batch),
                parse.GetValue(f.Threads), parse.GetValue(f.MaxFailed), parse.GetValue(f.Json), ct);
        }
        return await EvaluateClassifierAsync(f, parse, modelPath, options, ct);
    }

    /// <summary>Plain evaluation of a classifier: metrics over the dataset, warnings and skipped clips on stderr, an optional report.</summary>
    private static async Task<int> EvaluateClassifierAsync(Flags f, ParseResult parse, string modelPath, VideoClassifierOptions options, CancellationToken ct)
    {
        await using var classifier = FlagValues.Check(() => new VideoClassifier(options));
        var classes = classifier.Labels.Count > 0 ? classifier.Labels : null;
        var dataset = DatasetReader.Read(parse.GetValue(f.Data)!, new DatasetOptions { Classes = classes, ClassMapPath = parse.GetValue(f.ClassMap) });
        if (dataset.Classes.Count != classifier.ClassCount)
        {
            throw new DatasetException(dataset.Source, $"has {dataset.Classes.Count} classes but the model predicts {classifier.ClassCount}");
        }
        Task<ModelEvaluationResult> Evaluate(IProgress<int>? clipsDone) =>
            ModelEvaluation.RunAsync(classifier, dataset.Samples, dataset.Classes, parse.GetValue(f.MaxFailed), null, clipsDone, ct);
        var asJson = parse.GetValue(f.Json);
        var console = AnsiConsole.Console;
        var evaluation = asJson || Console.IsOutputRedirected
            ? await Evaluate(null)
            : await console.Progress().AutoClear(true).StartAsync(progress =>
            {
                var task = progress.AddTask("evaluating", maxValue: dataset.Count);
                return Evaluate(new Progress<int>(done => task.Value = done));
            });
        var result = evaluation.Report;
        foreach (var warning in evaluation.Warnings)
        {
            Console.Error.WriteLine($"warning {TerminalText.Escape(warning.Path)}: {TerminalText.Escape(warning.Warning)}");
        }
        foreach (var failure in evaluation.Failures)
        {
            Console.Error.WriteLine($"skipped {TerminalText.Escape(failure.Path)}: {TerminalText.Escape(failure.Reason)}");
        }
        if (parse.GetValue(f.Report) is { } reportDir)
        {
            WriteReport(reportDir, $"Evaluation of {Path.GetFileName(modelPath)} on {dataset.Source}", result, dataset.Classes);
        }
        if (asJson)
        {
            Console.WriteLine(JsonSerializer.Serialize(result, MetricsLog.JsonOptions));
        }
        else
        {
            EvaluationOutput.Print(console, $"{Path.GetFileName(modelPath)} on {dataset.Source}", result);
            if (evaluation.Failures.Count > 0)
            {
                console.MarkupLine($"[yellow]{evaluation.Failures.Count} clip(s) could not be decoded and were left out[/]");
            }
        }
        return ExitCodes.Ok;
    }

    private static async Task<int> EvaluateCaptionerAsync(Flags f, ParseResult parse, string modelPath, CancellationToken ct)
    {
        if (!CaptionEvaluationRun.IsCaptioner(modelPath))
        {
            throw new InvalidFlagException("--retrieval", "is for captioner folders (the model is not one)");
        }
        using var captioner = VideoCaptioner.Open(modelPath, new VideoCaptionerOptions
        {
            Device = parse.GetValue(f.Device),
            IntraOpThreads = parse.GetValue(f.Threads),
            MaxBatchSize = parse.GetValue(f.Batch),
        });
        return await CaptionEvaluationRun.RunAsync(captioner, modelPath, parse.GetValue(f.Data)!, f.Search.Read(parse), parse.GetValue(f.Retrieval),
            parse.GetValue(f.Json), ct);
    }

    private static void WriteReport(string reportDir, string title, ClassificationReport result, IReadOnlyList<string> classes) =>
        UserFileException.Guard(reportDir, "cannot write the report", () =>
        {
            Directory.CreateDirectory(reportDir);
            HtmlReport.Write(Path.Combine(reportDir, "report.html"), title, [], result, classes);
            AtomicFile.WriteAllBytes(Path.Combine(reportDir, "metrics.json"), JsonSerializer.SerializeToUtf8Bytes(result, MetricsLog.JsonOptions));
        });

    /// <summary>The classifier's device, batch and GPU settings; TensorRT's batch profile (for a dynamic batch) runs up to --batch.</summary>
    private static VideoClassifierOptions ClassifierOptions(string modelPath, ExecutionProvider provider, GpuProviderSettings gpu, int batch)
    {
        if (gpu.Cuda.EnableCudaGraph)
        {
            throw new InvalidFlagException("--cuda-graph", "CUDA graphs cannot be used for evaluation: batches are bound from host memory and "
                + "the last batch is smaller, but a captured CUDA graph replays fixed device addresses and one fixed shape");
        }
        var min = gpu.TensorRtMinBatch ?? 1;
        var opt = gpu.TensorRtOptBatch ?? batch;
        if (min > batch || opt > batch)
        {
            throw new InvalidFlagException(opt > batch ? "--trt-opt-batch" : "--trt-min-batch", Math.Max(min, opt).ToString(CultureInfo.InvariantCulture),
                $"must not exceed --batch {batch}");
        }
        return new VideoClassifierOptions
        {
            ModelPath = modelPath,
            Device = provider,
            DeviceId = gpu.DeviceId,
            Cuda = gpu.Cuda,
            TensorRt = gpu.TensorRt,
            TensorRtMinBatch = min,
            TensorRtOptBatch = opt,
            MaxBatchSize = batch,
        };
    }
}
