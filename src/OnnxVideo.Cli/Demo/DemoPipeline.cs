using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using OnnxVideo.Cli.Training;
using OnnxVideo.CommandLine;
using OnnxVideo.Packaging.Contracts;
using OnnxVideo.Packaging.Optimizers;
using OnnxVideo.Models.Compilation;
using OnnxVideo.Models.Tuning;
using OnnxVideo.Models.Zoo;
using OnnxVideo.Media;
using OnnxVideo.Onnx;
using OnnxVideo.Runtime;
using OnnxVideo.Training;
using OnnxVideo.Training.Data;
using OnnxVideo.Training.Evaluation;
using OnnxVideo.Training.Loading;
using OnnxVideo.Training.Metrics;
using OnnxVideo.Training.Packages;
using OnnxVideo.Training.Reports;
using OnnxVideo.Training.Sessions;
using Spectre.Console;

namespace OnnxVideo.Cli.Demo;

/// <summary>
/// The end-to-end demo: synthesize a motion dataset (and a separate test set), build <c>tiny3d</c>, compile a
/// full fine-tuning AdamW training package, train it, evaluate the best model on the test set (HTML report), and
/// classify a few test clips with <see cref="VideoClassifier"/>. Every artefact stays in the output folder.
/// </summary>
public static class DemoPipeline
{
    /// <summary>Written first and rewritten with the results last; marks a folder as the demo's own so a rerun may replace its contents.</summary>
    public const string MarkerFileName = "demo.json";

    private static readonly string[] OwnedFolders = ["data", "test-data", "model", "package", "run", "evaluation"];

    /// <param name="console">Renders a live progress bar; null writes one line per epoch to <paramref name="log"/>.</param>
    public static async Task<DemoResult> RunAsync(DemoSettings settings, TextWriter log, IAnsiConsole? console = null,
        CancellationToken ct = default)
    {
        settings.Validate();
        var clock = Stopwatch.StartNew();
        var root = PrepareOutput(settings.OutputDirectory);
        string F(double seconds) => seconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";

        log.WriteLine($"[1/6] synthesizing {settings.Classes} motion classes × {settings.ClipsPerClass} clips (+ {settings.TestClipsPerClass} test clips per class)");
        var step = Stopwatch.StartNew();
        var data = await SyntheticVideoDataset.GenerateAsync(Path.Combine(root, "data"), SyntheticOptions(settings, settings.ClipsPerClass, settings.Seed, 0.25), ct);
        // The test set comes from another seed: clips neither trained on nor used to pick the best epoch.
        var test = await SyntheticVideoDataset.GenerateAsync(Path.Combine(root, "test-data"),
            SyntheticOptions(settings, settings.TestClipsPerClass, settings.Seed + 7919, 0), ct);
        log.WriteLine($"      {data.Clips.Count} clips in {data.Root}, {test.Clips.Count} test clips in {test.Root} ({F(step.Elapsed.TotalSeconds)})");

        var labels = data.Labels.ToArray();
        var contract = new PreprocessingContract
        {
            Frames = settings.Frames,
            CropSize = settings.Size,
            ResizeShortSide = settings.Size,
            Labels = labels,
        };
        log.WriteLine($"[2/6] building tiny3d for {labels.Length} classes, input [N, 3, {settings.Frames}, {settings.Size}, {settings.Size}]");
        var modelPath = Path.Combine(root, "model", "tiny3d.onnx");
        Directory.CreateDirectory(Path.GetDirectoryName(modelPath)!);
        var model = ModelZoo.Build("tiny3d", new ZooOptions { Classes = labels.Length, Frames = settings.Frames, Size = settings.Size, Seed = settings.Seed });
        ModelContracts.Write(model, contract, source: modelPath);
        OnnxModelFile.Save(model, modelPath);

        log.WriteLine("[3/6] compiling the training package (full fine-tuning, AdamW; forward + backward + update in standard ONNX ops)");
        step.Restart();
        var packageDir = Path.Combine(root, "package");
        var manifest = TrainingPackageWriter.Write(model, new TrainingPackageOptions
        {
            Tuning = TuningSpec.Full,
            Optimizer = OptimizerSettings.DefaultFor(OptimizerKind.AdamW) with { LearningRate = (float)settings.LearningRate },
        }, packageDir, modelPath);
        log.WriteLine($"      {manifest.TrainableParameterCount:N0} trainable parameters in {manifest.Parameters.Count} tensors, {packageDir} ({F(step.Elapsed.TotalSeconds)})");

        log.WriteLine($"[4/6] training {settings.Epochs} epochs, batch {settings.BatchSize}");
        var summary = await TrainAsync(settings, packageDir, data, labels, contract, Path.Combine(root, "run"), log, console, ct);
        var epochs = MetricsLog.Read(summary.MetricsPath);

        log.WriteLine($"[5/6] evaluating {summary.BestModelPath} on the {test.Clips.Count} test clips");
        var evaluationDir = Path.Combine(root, "evaluation");
        var report = await EvaluateAsync(settings, summary.BestModelPath, test, labels, ct);
        Directory.CreateDirectory(evaluationDir);
        var evaluationReport = Path.Combine(evaluationDir, "report.html");
        var evaluationMetrics = Path.Combine(evaluationDir, "metrics.json");
        HtmlReport.Write(evaluationReport, "OnnxVideo demo: tiny3d fine-tuned on synthetic motion, test set", epochs, report, labels);
        AtomicFile.WriteAllBytes(evaluationMetrics, JsonSerializer.SerializeToUtf8Bytes(report, MetricsLog.JsonOptions));
        if (console is not null)
        {
            EvaluationOutput.Print(console, "test set", report);
        }
        else
        {
            log.WriteLine($"      test top-1 {Percent(report.Top1)}, mean class accuracy {Percent(report.MeanClassAccuracy)}");
        }

        log.WriteLine($"[6/6] classifying {Math.Min(settings.ClassifyCount, test.Clips.Count)} test clips with VideoClassifier");
        var classified = await ClassifyAsync(settings, summary.BestModelPath, test, ct);
        foreach (var (result, truth) in classified)
        {
            log.WriteLine(ClassifyLine(root, result, truth));
        }

        var demo = new DemoResult
        {
            OutputDirectory = root,
            DatasetDirectory = data.Root,
            TestDatasetDirectory = test.Root,
            InitialModelPath = modelPath,
            PackageDirectory = packageDir,
            RunDirectory = summary.OutputDirectory,
            TrainedModelPath = summary.BestModelPath,
            TrainingReportPath = summary.ReportPath,
            EvaluationReportPath = evaluationReport,
            EvaluationMetricsPath = evaluationMetrics,
            Training = summary,
            Test = report,
            Classified = classified,
            Seconds = clock.Elapsed.TotalSeconds,
        };
        AtomicFile.WriteAllBytes(Path.Combine(root, MarkerFileName), JsonSerializer.SerializeToUtf8Bytes(new
        {
            demo.TrainedModelPath,
            demo.EvaluationReportPath,
            demo.TrainingReportPath,
            TestTop1 = report.Top1,
            ValidationTop1 = summary.BestValidation?.Top1,
            demo.Seconds,
        }, MetricsLog.JsonOptions));
        return demo;
    }

    /// <summary>One line per classified clip: file, top label with its probability, the true label, and a mark.</summary>
    public static string ClassifyLine(string root, ClassificationResult result, string truth)
    {
        var name = Path.GetRelativePath(root, result.Source);
        if (!result.Succeeded)
        {
            return $"      {name}: failed ({result.Error!.Message})";
        }
        var top = result.Top[0];
        var mark = top.Label == truth ? "correct" : $"wrong, truly {truth}";
        return string.Create(CultureInfo.InvariantCulture, $"      {name} → {top.Label} ({top.Score * 100:0.0} %) [{mark}]");
    }

    private static SyntheticDatasetOptions SyntheticOptions(DemoSettings s, int perClass, int seed, double validation) => new()
    {
        Classes = s.Classes,
        ClipsPerClass = perClass,
        Frames = 2 * s.Frames,
        Size = s.Size,
        Seed = seed,
        ValidationFraction = validation,
    };

    private static async Task<TrainingSummary> TrainAsync(DemoSettings settings, string packageDir, SyntheticDataset data, string[] labels,
        PreprocessingContract contract, string runDir, TextWriter log, IAnsiConsole? console, CancellationToken ct)
    {
        var layout = PackageLayouts.Load(packageDir);
        var trainSet = DatasetReader.Read(data.TrainManifestPath, new DatasetOptions { Classes = labels, RequireEveryClass = true });
        var valSet = DatasetReader.Read(data.ValidationManifestPath, new DatasetOptions { Classes = labels });
        var batchesPerEpoch = (trainSet.Count + settings.BatchSize - 1) / settings.BatchSize;
        var options = new TrainerOptions
        {
            Epochs = settings.Epochs,
            BatchSize = settings.BatchSize,
            LearningRate = settings.LearningRate,
            WarmupSteps = Math.Max(1, batchesPerEpoch / 2),
            Seed = settings.Seed,
            Workers = Math.Max(1, Environment.ProcessorCount),
        };
        var sessionOptions = new TrainingSessionOptions { IntraOpThreads = settings.Threads };
        // Deterministic clips (no augmentation) are decoded once and cached, so epochs after the first are pure compute.
        var source = new VideoClipSource(contract, ClipAugmentation.None);
        Task<TrainingSummary> RunAsync(IProgress<TrainingProgress>? progress, Action<EpochMetrics> epochDone) =>
            new Trainer(layout, trainSet, valSet.Count > 0 ? valSet : null, source, runDir, options, sessionOptions, new StderrLogger(Microsoft.Extensions.Logging.LogLevel.Warning))
            {
                Progress = progress,
                EpochCompleted = epochDone,
            }.RunAsync(ct);

        var summary = console is null
            ? await RunAsync(null, e => log.WriteLine("      " + TrainingConsole.EpochLine(e)))
            : await TrainingConsole.RunWithProgressBarAsync(console, RunAsync);
        var validation = summary.BestValidation is { } v ? $", best validation top-1 {Percent(v.Top1)} at epoch {summary.BestEpoch}" : "";
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"      {summary.Steps} steps in {summary.Seconds:0.0} s{validation}"));
        return summary;
    }

    private static async Task<ClassificationReport> EvaluateAsync(DemoSettings settings, string modelPath, SyntheticDataset test,
        string[] labels, CancellationToken ct)
    {
        await using var classifier = new VideoClassifier(new VideoClassifierOptions
        {
            ModelPath = modelPath,
            IntraOpThreads = settings.Threads,
            MaxBatchSize = settings.BatchSize,
            WarmUp = false,
        });
        var testSet = DatasetReader.Read(test.ManifestPath, new DatasetOptions { Classes = labels });
        var evaluation = await ModelEvaluation.RunAsync(classifier, testSet.Samples, testSet.Classes, maxFailedClips: 10, ct: ct);
        return evaluation.Report;
    }

    private static async Task<IReadOnlyList<(ClassificationResult, string)>> ClassifyAsync(DemoSettings settings, string modelPath,
        SyntheticDataset test, CancellationToken ct)
    {
        // One clip of each class in turn, so the few shown cover the classes.
        var picked = test.Clips.GroupBy(c => c.Label)
            .SelectMany(g => g.Select((clip, i) => (clip, i)))
            .OrderBy(x => x.i).ThenBy(x => x.clip.Label)
            .Take(settings.ClassifyCount)
            .Select(x => x.clip)
            .ToList();
        if (picked.Count == 0)
        {
            return [];
        }
        await using var classifier = new VideoClassifier(new VideoClassifierOptions
        {
            ModelPath = modelPath,
            IntraOpThreads = settings.Threads,
            TopK = Math.Min(3, test.Labels.Count),
        });
        var results = new List<(ClassificationResult, string)>();
        var index = 0;
        await foreach (var result in classifier.ClassifyManyAsync(picked.Select(c => Path.Combine(test.Root, c.RelativePath)), ct))
        {
            results.Add((result, test.Labels[picked[index++].Label]));
        }
        return results;
    }

    private static string PrepareOutput(string directory)
    {
        var root = Path.GetFullPath(directory);
        if (Directory.Exists(root) && Directory.EnumerateFileSystemEntries(root).Any())
        {
            if (!File.Exists(Path.Combine(root, MarkerFileName)))
            {
                throw new InvalidFlagException("--out", root, $"the folder is not empty and holds no earlier demo run ({MarkerFileName}); choose an empty or new folder");
            }
            File.Delete(Path.Combine(root, MarkerFileName));
            foreach (var owned in OwnedFolders.Select(f => Path.Combine(root, f)).Where(Directory.Exists))
            {
                Directory.Delete(owned, recursive: true);
            }
        }
        UserFileException.Guard(root, "cannot create the output folder", () => Directory.CreateDirectory(root));
        // Claimed at once, so a rerun after an interrupted demo may replace what it left.
        AtomicFile.WriteAllBytes(Path.Combine(root, MarkerFileName), "{\"status\":\"running\"}"u8.ToArray());
        return root;
    }

    private static string Percent(double value) => (value * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %";
}
