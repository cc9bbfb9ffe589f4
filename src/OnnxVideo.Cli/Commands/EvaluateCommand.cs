using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using OnnxVideo.Cli.Training;
using OnnxVideo.Onnx;
using OnnxVideo.Ort;
using OnnxVideo.Training.Data;
using OnnxVideo.Runtime;
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
        var model = new Option<string>("--model") { Description = "the model.onnx to evaluate (with its preprocessing contract)", Required = true };
        var data = new Option<string>("--data") { Description = "labelled clips: a folder-per-class tree or a list file ('path label')", Required = true };
        var classMap = new Option<string?>("--class-map") { Description = "class-map file when the model's contract has no labels" };
        var json = new Option<bool>("--json") { Description = "print the report as JSON" };
        var report = new Option<string?>("--report") { Description = "folder to write report.html and metrics.json into" };
        var batch = new Option<int>("--batch") { Description = "clips per model run", DefaultValueFactory = _ => 8 };
        var workers = new Option<int>("--workers") { Description = "clips decoded in parallel", DefaultValueFactory = _ => Math.Max(1, Environment.ProcessorCount) };
        var device = new Option<string>("--device") { Description = "cpu, cuda, tensorrt or auto", DefaultValueFactory = _ => "cpu" };
        var threads = new Option<int>("--threads") { Description = "ONNX Runtime intra-op threads (0 = one per core)" };
        var maxFailed = new Option<int>("--max-failed") { Description = "clips that may fail to decode before evaluation stops", DefaultValueFactory = _ => 100 };
        var noPad = new Option<bool>("--no-pad") { Description = "fail (skip) clips that are shorter than a clip, truncated, or have undecodable frames instead of repeating frames" };

        var command = new Command("evaluate", "evaluate a model on labelled clips: top-1/top-5, mean class accuracy, per-class precision/recall/F1, confusion matrix");
        foreach (var option in new Option[] { model, data, classMap, json, report, batch, workers, device, threads, maxFailed, noPad })
        {
            command.Options.Add(option);
        }
        var gpu = GpuProviderFlags.AddTo(command, batchProfiles: true);
        command.SetAction((parse, ct) => Task.FromResult(TrainingCliErrors.Run(() =>
        {
            var modelPath = parse.GetValue(model)!;
            var maxFailedClips = parse.GetValue(maxFailed);
            if (maxFailedClips < 0)
            {
                throw new InvalidFlagException("--max-failed", maxFailedClips.ToString(CultureInfo.InvariantCulture), "must be 0 or more");
            }
            var options = ClassifierOptions(modelPath, DeviceOption.Parse(parse.GetValue(device)!), gpu.Read(parse), parse.GetValue(batch));
            options.IntraOpThreads = parse.GetValue(threads);
            options.DecodeWorkers = parse.GetValue(workers);
            options.PadShortVideos = !parse.GetValue(noPad);
            using var classifier = new VideoClassifier(options);
            var classes = classifier.Labels.Count > 0 ? classifier.Labels : null;
            var dataset = DatasetReader.Read(parse.GetValue(data)!, new DatasetOptions { Classes = classes, ClassMapPath = parse.GetValue(classMap) });
            if (dataset.Classes.Count != classifier.ClassCount)
            {
                throw new DatasetException(dataset.Source, $"has {dataset.Classes.Count} classes but the model predicts {classifier.ClassCount}");
            }
            ModelEvaluationResult Evaluate(IProgress<int>? clipsDone) => ModelEvaluation.RunAsync(classifier, dataset.Samples, dataset.Classes,
                maxFailedClips, null, clipsDone, ct).GetAwaiter().GetResult();
            var asJson = parse.GetValue(json);
            var console = AnsiConsole.Console;
            var evaluation = asJson || Console.IsOutputRedirected
                ? Evaluate(null)
                : console.Progress().AutoClear(true).Start(progress =>
                {
                    var task = progress.AddTask("evaluating", maxValue: dataset.Count);
                    return Evaluate(new Progress<int>(done => task.Value = done));
                });
            var result = evaluation.Report;
            foreach (var failure in evaluation.Failures)
            {
                Console.Error.WriteLine($"skipped {failure.Path}: {failure.Reason}");
            }
            var reportDir = parse.GetValue(report);
            if (reportDir is not null)
            {
                Directory.CreateDirectory(reportDir);
                HtmlReport.Write(Path.Combine(reportDir, "report.html"), $"Evaluation of {Path.GetFileName(modelPath)} on {dataset.Source}", [], result, dataset.Classes);
                AtomicFile.WriteAllBytes(Path.Combine(reportDir, "metrics.json"), JsonSerializer.SerializeToUtf8Bytes(result, MetricsLog.JsonOptions));
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
            return 0;
        })));
        return command;
    }

    /// <summary>The classifier's device, batch and GPU settings; TensorRT's batch profile (for a dynamic batch) runs up to --batch.</summary>
    private static VideoClassifierOptions ClassifierOptions(string modelPath, ExecutionProvider provider, GpuProviderSettings gpu, int batch)
    {
        if (gpu.Cuda.EnableCudaGraph)
        {
            throw new ArgumentException("CUDA graphs cannot be used for evaluation: batches are bound from host memory and the last "
                + "batch is smaller, but a captured CUDA graph replays fixed device addresses and one fixed shape");
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
