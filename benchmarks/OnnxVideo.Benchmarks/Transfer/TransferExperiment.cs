using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using OnnxVideo.Media;
using OnnxVideo.Models.Compilation;
using OnnxVideo.Models.Recipes;
using OnnxVideo.Models.Tuning;
using OnnxVideo.Models.Zoo;
using OnnxVideo.Onnx;
using OnnxVideo.Packaging.Contracts;
using OnnxVideo.Packaging.Optimizers;
using OnnxVideo.Training;
using OnnxVideo.Training.Data;
using OnnxVideo.Training.Loading;
using OnnxVideo.Training.Packages;
using OnnxVideo.Training.Sessions;

namespace OnnxVideo.Benchmarks.Transfer;

/// <summary>
/// <c>OnnxVideo.Benchmarks transfer</c>: the README's transfer table. Pretrained (the checkpoints of models/, made on
/// the pretext task) against random initialisation, on the default 4-class motion set with few labels, for head-only,
/// LoRA, last-block and full tuning: best validation top-1 and training time of each run. Every clip is decoded once
/// (before any run is timed), so the times are training and validation compute.
/// </summary>
public static class TransferExperiment
{
    public static int Run(string[] args)
    {
        var settings = TransferSettings.Parse(args);
        var root = Path.GetFullPath(settings.Output);
        Directory.CreateDirectory(root);
        var (train, validation) = MakeDataAsync(settings, root).GetAwaiter().GetResult();
        var results = new List<TransferRun>();
        var resultsPath = Path.Combine(root, "results.jsonl");
        File.WriteAllText(resultsPath, "");
        Console.WriteLine($"load average at start: {File.ReadAllText("/proc/loadavg").Trim()}");
        foreach (var arch in settings.Architectures)
        {
            RunArchitecture(settings, arch, root, train, validation, row =>
            {
                results.Add(row);
                File.AppendAllText(resultsPath, JsonSerializer.Serialize(row) + "\n");
            });
        }
        Console.WriteLine($"load average at end: {File.ReadAllText("/proc/loadavg").Trim()}");
        var table = TransferTable.Markdown(results, settings);
        File.WriteAllText(Path.Combine(root, "transfer.md"), table);
        Console.WriteLine(table);
        return 0;
    }

    /// <summary>Both initialisations of one architecture in every mode and label budget.</summary>
    private static void RunArchitecture(TransferSettings settings, string arch, string root, VideoDataset train, VideoDataset validation,
        Action<TransferRun> record)
    {
        var recipe = ModelRecipeReader.Read(Path.Combine(settings.Models, arch + ".json"));
        var contract = ZooContract(recipe, train.Classes);
        var source = new MemoizedClipSource(new VideoClipSource(contract, ClipAugmentation.None));
        DecodeAllAsync(source, train, validation).GetAwaiter().GetResult();
        foreach (var init in new[] { "pretrained", "random" })
        {
            var modelPath = Path.Combine(root, arch, init, "model.onnx");
            Directory.CreateDirectory(Path.GetDirectoryName(modelPath)!);
            var model = ModelZoo.Build(arch, new ZooOptions
            {
                Classes = train.Classes.Count, Frames = recipe.Frames, Size = recipe.Size, Seed = settings.Seed,
                WeightsPath = init == "pretrained" ? recipe.Weights!.File : null, NewHead = init == "pretrained",
            });
            ModelContracts.Write(model, contract, source: modelPath);
            OnnxModelFile.Save(model, modelPath);
            foreach (var mode in settings.Modes)
            {
                var (tuning, lr) = Mode(arch, mode);
                var packageDir = Path.Combine(root, arch, init, mode, "package");
                try
                {
                    TrainingPackageWriter.Write(model, new TrainingPackageOptions
                    {
                        Tuning = tuning,
                        Optimizer = OptimizerSettings.DefaultFor(OptimizerKind.AdamW) with { LearningRate = (float)lr },
                    }, packageDir, modelPath);
                }
                catch (UserInputException e)
                {
                    Console.WriteLine($"{arch} {init} {mode}: not applicable: {e.Message}");
                    continue;
                }
                foreach (var perClass in settings.PerClass)
                {
                    var run = TrainOne(settings, packageDir, Subset(train, perClass), validation, source,
                        Path.Combine(root, arch, init, mode, $"run-{perClass}"), lr);
                    var row = new TransferRun(arch, init, mode, perClass, run.BestValidation?.Top1 ?? 0, run.BestEpoch, run.Seconds);
                    record(row);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{arch} {init} {mode} {perClass}/class: top-1 {row.Top1 * 100:0.0} % (epoch {row.BestEpoch}), {row.Seconds:0.0} s; load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}"));
                }
            }
        }
    }

    /// <summary>Training clips (the most any run uses) and a separate validation set from another seed.</summary>
    private static async Task<(VideoDataset Train, VideoDataset Validation)> MakeDataAsync(TransferSettings settings, string root)
    {
        var options = new SyntheticDatasetOptions { Classes = 4, Frames = 16, Size = 64, ValidationFraction = 0 };
        var train = await SyntheticVideoDataset.GenerateAsync(Path.Combine(root, "train"),
            options with { ClipsPerClass = settings.PerClass.Max(), Seed = 1000 + settings.Seed });
        var validation = await SyntheticVideoDataset.GenerateAsync(Path.Combine(root, "validation"),
            options with { ClipsPerClass = settings.ValidationPerClass, Seed = 2000 + settings.Seed });
        var labels = train.Labels.ToArray();
        return (DatasetReader.Read(train.ManifestPath, new DatasetOptions { Classes = labels }),
                DatasetReader.Read(validation.ManifestPath, new DatasetOptions { Classes = labels }));
    }

    private static PreprocessingContract ZooContract(ModelRecipe recipe, IReadOnlyList<string> labels)
    {
        var defaults = ModelZoo.Get(recipe.Architecture).DefaultContract(recipe.Frames, recipe.Size);
        return defaults with
        {
            ResizeShortSide = recipe.ResizeShortSide ?? defaults.ResizeShortSide,
            Mean = recipe.Mean ?? defaults.Mean,
            Std = recipe.Std ?? defaults.Std,
            Labels = labels.ToArray(),
        };
    }

    private static async Task DecodeAllAsync(IClipSource source, VideoDataset train, VideoDataset validation)
    {
        var watch = Stopwatch.StartNew();
        var reads = train.Samples.Select(s => (Sample: s, Training: true)).Concat(validation.Samples.Select(s => (Sample: s, Training: false)));
        await Parallel.ForEachAsync(reads, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (read, ct) =>
        {
            if (read.Training)
            {
                await source.ReadTrainingAsync(read.Sample, 0, new float[source.SampleElements], ct);
            }
            else
            {
                await source.ReadEvaluationAsync(read.Sample, new float[source.SampleElements * source.EvaluationViews], ct);
            }
        });
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"decoded {train.Count + validation.Count} clips in {watch.Elapsed.TotalSeconds:0.0} s"));
    }

    /// <summary>The first <paramref name="perClass"/> clips of each class.</summary>
    private static VideoDataset Subset(VideoDataset data, int perClass) =>
        new(data.Source, data.Classes, data.Samples.GroupBy(s => s.Label).SelectMany(g => g.Take(perClass)).ToList());

    /// <summary>Tuning strategy and learning rate of a mode; the same for both initialisations.</summary>
    private static (TuningSpec Tuning, double LearningRate) Mode(string arch, string mode) => (mode, arch.StartsWith("video_vit", StringComparison.Ordinal)) switch
    {
        ("head", _) => (TuningSpec.Head, 5e-3),
        ("lora", _) => (TuningSpec.Parse("lora:r=8,alpha=16"), 2e-3),
        ("last", false) => (TuningSpec.ForPattern(@"^stages\.3\."), 1e-3),
        ("last", true) => (TuningSpec.ForPattern(@"^(videomae\.encoder\.layer\.3\.|fc_norm\.)"), 1e-3),
        ("full", _) => (TuningSpec.Full, 5e-4),
        _ => throw new ArgumentException($"unknown mode {mode} (head, lora, last, full)"),
    };

    private static TrainingSummary TrainOne(TransferSettings settings, string packageDir, VideoDataset train, VideoDataset validation,
        IClipSource source, string runDir, double lr)
    {
        if (Directory.Exists(runDir))
        {
            Directory.Delete(runDir, recursive: true);
        }
        var batchesPerEpoch = (train.Count + settings.Batch - 1) / settings.Batch;
        var options = new TrainerOptions
        {
            Epochs = settings.Epochs,
            BatchSize = settings.Batch,
            LearningRate = lr,
            WarmupSteps = Math.Max(1, batchesPerEpoch / 2),
            Seed = settings.Seed,
            Workers = 2,
        };
        var trainer = new Trainer(PackageLayouts.Load(packageDir), train, validation, source, runDir, options,
            new TrainingSessionOptions { IntraOpThreads = settings.Threads }, NullLogger.Instance);
        return trainer.RunAsync(CancellationToken.None).GetAwaiter().GetResult();
    }
}
