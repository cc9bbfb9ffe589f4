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
        var model = new Option<string>("--model") { Description = "The model.onnx to evaluate (with its preprocessing contract)", Required = true };
        var data = new Option<string>("--data") { Description = "Labelled clips: a folder-per-class tree or a list file ('path label')", Required = true };
        var classMap = new Option<string?>("--class-map") { Description = "Class-map file when the model's contract has no labels" };
        var json = CommonOptions.Json("the report");
        var report = new Option<string?>("--report") { Description = "Folder to write report.html and metrics.json into" };
        var batch = CommonOptions.AtLeast(new Option<int>("--batch") { Description = "Clips per model run (default 8)", DefaultValueFactory = _ => 8 }, 1);
        var workers = CommonOptions.Workers();
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var maxFailed = CommonOptions.AtLeast(new Option<int>("--max-failed") { Description = "Clips that may fail to decode before evaluation stops (default 100)", DefaultValueFactory = _ => 100 }, 0);
        var noPad = NoPadOption.Create();

        var command = new Command("evaluate", "Evaluate a model on labelled clips: top-1/top-5, mean class accuracy, per-class precision/recall/F1, confusion matrix");
        foreach (var option in new Option[] { model, data, classMap, json, report, batch, workers, device, threads, maxFailed, noPad })
        {
            command.Options.Add(option);
        }
        var gpu = GpuProviderFlags.AddTo(command, batchProfiles: true);
        command.SetHandler(async (parse, ct) =>
        {
            var gpuSettings = gpu.Read(parse);
            var modelPath = parse.GetValue(model)!;
            var provider = parse.GetValue(device);
            var tensorRt = EvaluationTensorRt(modelPath, provider, gpuSettings, parse.GetValue(batch));
            using var classifier = FlagValues.Check(() => new ClassifierModel(modelPath, provider, parse.GetValue(threads), gpuSettings.Cuda, tensorRt));
            var contract = classifier.Contract ?? throw new InvalidContractException(modelPath,
                $"the model has no preprocessing contract in its metadata ('{PreprocessingContract.MetadataKey}')");
            var classes = contract.Labels.Length > 0 ? contract.Labels : null;
            var dataset = DatasetReader.Read(parse.GetValue(data)!, new DatasetOptions { Classes = classes, ClassMapPath = parse.GetValue(classMap) });
            if (classifier.ClassCount > 0 && dataset.Classes.Count != classifier.ClassCount)
            {
                throw new DatasetException(dataset.Source, $"has {dataset.Classes.Count} classes but the model predicts {classifier.ClassCount}");
            }
            var loader = new ClipLoader(dataset.Samples, new VideoClipSource(contract, ClipAugmentation.None, NoPadOption.MediaOptions(parse.GetValue(noPad))),
                new LoaderOptions { BatchSize = parse.GetValue(batch), Workers = parse.GetValue(workers), MaxFailedClips = parse.GetValue(maxFailed) });
            var asJson = parse.GetValue(json);
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
            var reportDir = parse.GetValue(report);
            if (reportDir is not null)
            {
                UserFileException.Guard(reportDir, "cannot write the report", () =>
                {
                    Directory.CreateDirectory(reportDir);
                    HtmlReport.Write(Path.Combine(reportDir, "report.html"), $"Evaluation of {Path.GetFileName(modelPath)} on {dataset.Source}", [], result, dataset.Classes);
                    AtomicFile.WriteAllBytes(Path.Combine(reportDir, "metrics.json"), JsonSerializer.SerializeToUtf8Bytes(result, MetricsLog.JsonOptions));
                });
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
        });
        return command;
    }

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
