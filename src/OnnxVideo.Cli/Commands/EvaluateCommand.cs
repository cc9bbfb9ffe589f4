using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using OnnxVideo.Cli.Training;
using OnnxVideo.CommandLine;
using OnnxVideo.Media;
using OnnxVideo.Onnx;
using OnnxVideo.Ort;
using OnnxVideo.Training.Data;
using OnnxVideo.Training.Evaluation;
using OnnxVideo.Training.Loading;
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
        var command = new Command("evaluate", "Evaluate a model on labelled clips: top-1/top-5, mean class accuracy, per-class precision/recall/F1, confusion matrix");
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
        public Option<string> Model { get; } = new("--model") { Description = "The model.onnx to evaluate (with its preprocessing contract)", Required = true };
        public Option<string> Data { get; } = new("--data") { Description = "Labelled clips: a folder-per-class tree or a list file ('path label')", Required = true };
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
        public GpuProviderFlags Gpu { get; set; } = null!;

        public IEnumerable<Option> All() => [Model, Data, ClassMap, Json, Report, Batch, Workers, Device, Threads, MaxFailed, NoPad];
    }

    private static async Task<int> RunAsync(Flags f, ParseResult parse, CancellationToken ct)
    {
        var gpuSettings = f.Gpu.Read(parse);
        var modelPath = parse.GetValue(f.Model)!;
        var provider = parse.GetValue(f.Device);
        var tensorRt = EvaluationTensorRt(modelPath, provider, gpuSettings, parse.GetValue(f.Batch));
        using var classifier = FlagValues.Check(() => new ClassifierModel(modelPath, provider, parse.GetValue(f.Threads), gpuSettings.Cuda, tensorRt));
        var contract = classifier.Contract ?? throw new InvalidContractException(modelPath,
            $"the model has no preprocessing contract in its metadata ('{PreprocessingContract.MetadataKey}')");
        var classes = contract.Labels.Length > 0 ? contract.Labels : null;
        var dataset = DatasetReader.Read(parse.GetValue(f.Data)!, new DatasetOptions { Classes = classes, ClassMapPath = parse.GetValue(f.ClassMap) });
        if (classifier.ClassCount > 0 && dataset.Classes.Count != classifier.ClassCount)
        {
            throw new DatasetException(dataset.Source, $"has {dataset.Classes.Count} classes but the model predicts {classifier.ClassCount}");
        }
        var loader = new ClipLoader(dataset.Samples, new VideoClipSource(contract, ClipAugmentation.None, NoPadOption.MediaOptions(parse.GetValue(f.NoPad))),
            new LoaderOptions { BatchSize = parse.GetValue(f.Batch), Workers = parse.GetValue(f.Workers), MaxFailedClips = parse.GetValue(f.MaxFailed) });
        var asJson = parse.GetValue(f.Json);
        var console = AnsiConsole.Console;
        ClassificationReport result;
        if (asJson || Console.IsOutputRedirected)
        {
            result = await ClipEvaluation.RunAsync(loader, dataset.Classes, classifier.Run, null, ct);
        }
        else
        {
            result = await console.Progress().AutoClear(true).StartAsync(progress =>
            {
                var task = progress.AddTask("evaluating", maxValue: dataset.Count);
                return ClipEvaluation.RunAsync(loader, dataset.Classes, classifier.Run, new Progress<int>(done => task.Value = done), ct);
            });
        }
        foreach (var failure in loader.Failures)
        {
            Console.Error.WriteLine($"skipped {failure.Path}: {failure.Reason}");
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
            if (loader.FailedClips > 0)
            {
                console.MarkupLine($"[yellow]{loader.FailedClips} clip(s) could not be decoded and were left out[/]");
            }
        }
        return ExitCodes.Ok;
    }

    private static void WriteReport(string reportDir, string title, ClassificationReport result, IReadOnlyList<string> classes) =>
        UserFileException.Guard(reportDir, "cannot write the report", () =>
        {
            Directory.CreateDirectory(reportDir);
            HtmlReport.Write(Path.Combine(reportDir, "report.html"), title, [], result, classes);
            AtomicFile.WriteAllBytes(Path.Combine(reportDir, "metrics.json"), JsonSerializer.SerializeToUtf8Bytes(result, MetricsLog.JsonOptions));
        });

    /// <summary>The TensorRT settings, with a batch profile up to --batch when TensorRT may run the model's dynamic batch.</summary>
    private static TensorRtProviderOptions EvaluationTensorRt(string modelPath, ExecutionProvider provider, GpuProviderSettings gpu, int batch)
    {
        var min = gpu.TensorRtMinBatch ?? 1;
        var opt = gpu.TensorRtOptBatch ?? batch;
        if (min > batch || opt > batch)
        {
            throw new InvalidFlagException(opt > batch ? "--trt-opt-batch" : "--trt-min-batch", Math.Max(min, opt).ToString(CultureInfo.InvariantCulture),
                $"must not exceed --batch {batch}");
        }
        if (provider is not (ExecutionProvider.TensorRt or ExecutionProvider.Auto) || !ExecutionProviders.IsCompiledIn(ExecutionProvider.TensorRt)
            || !File.Exists(modelPath))
        {
            return gpu.TensorRt;
        }
        return gpu.TensorRt with { BatchProfile = TensorRtBatchProfile.ForModel(modelPath, min, opt, batch) };
    }
}
