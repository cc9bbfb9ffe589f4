using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using OnnxVideo.Media;
using OnnxVideo.Models.Recipes;
using OnnxVideo.Models.Zoo;
using OnnxVideo.Training;
using OnnxVideo.Training.Data;
using OnnxVideo.Training.Loading;
using OnnxVideo.Training.Packages;
using OnnxVideo.Training.Sessions;

namespace OnnxVideo.Benchmarks.Transfer;

/// <summary>
/// What the transfer and PEFT experiments share: the default 4-class motion set with few labels and a separate
/// validation set, each clip decoded once before any run, and one training run per package.
/// </summary>
internal static class TransferHarness
{
    /// <summary>Training clips (the most any run uses) and a separate validation set from another seed.</summary>
    public static async Task<(VideoDataset Train, VideoDataset Validation)> MakeDataAsync(TransferSettings settings, string root)
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

    /// <summary>The recipe's contract with the data's class names.</summary>
    public static PreprocessingContract ZooContract(ModelRecipe recipe, IReadOnlyList<string> labels)
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

    /// <summary>A clip source for <paramref name="contract"/> holding every clip of both sets, decoded now.</summary>
    public static IClipSource DecodedSource(PreprocessingContract contract, VideoDataset train, VideoDataset validation)
    {
        var source = new MemoizedClipSource(new VideoClipSource(contract, ClipAugmentation.None));
        DecodeAllAsync(source, train, validation).GetAwaiter().GetResult();
        return source;
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
    public static VideoDataset Subset(VideoDataset data, int perClass) =>
        new(data.Source, data.Classes, data.Samples.GroupBy(s => s.Label).SelectMany(g => g.Take(perClass)).ToList());

    /// <summary>
    /// One run: AdamW at <paramref name="lr"/> with a cosine schedule and half an epoch of warm-up, batch and epochs from
    /// <paramref name="settings"/>, with mixup/CutMix and a weight average when given.
    /// </summary>
    public static TrainingSummary TrainOne(TransferSettings settings, string packageDir, VideoDataset train, VideoDataset validation,
        IClipSource source, string runDir, double lr, MixSettings? mix = null, double? emaDecay = null)
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
            Mix = mix,
            EmaDecay = emaDecay,
        };
        var trainer = new Trainer(PackageLayouts.Load(packageDir), train, validation, source, runDir, options,
            new TrainingSessionOptions { IntraOpThreads = settings.Threads }, NullLogger.Instance);
        return trainer.RunAsync(CancellationToken.None).GetAwaiter().GetResult();
    }

    public static string LoadAverage() => File.ReadAllText("/proc/loadavg").Trim();

    /// <summary>
    /// Makes the data, runs <paramref name="runArchitecture"/> for each architecture (its rows appended to
    /// results.jsonl as they come), and writes and prints the table <paramref name="table"/> makes of all rows.
    /// </summary>
    public static int RunExperiment<TRow>(TransferSettings settings, string tableFile,
        Action<string, string, VideoDataset, VideoDataset, Action<TRow>> runArchitecture, Func<List<TRow>, string> table)
    {
        var root = Path.GetFullPath(settings.Output);
        Directory.CreateDirectory(root);
        var (train, validation) = MakeDataAsync(settings, root).GetAwaiter().GetResult();
        var results = new List<TRow>();
        var resultsPath = Path.Combine(root, "results.jsonl");
        File.WriteAllText(resultsPath, "");
        Console.WriteLine($"load average at start: {LoadAverage()} ({DateTime.UtcNow:HH:mm} UTC)");
        foreach (var arch in settings.Architectures)
        {
            runArchitecture(arch, root, train, validation, row =>
            {
                results.Add(row);
                File.AppendAllText(resultsPath, JsonSerializer.Serialize(row) + "\n");
            });
        }
        Console.WriteLine($"load average at end: {LoadAverage()} ({DateTime.UtcNow:HH:mm} UTC)");
        var markdown = table(results);
        File.WriteAllText(Path.Combine(root, tableFile), markdown);
        Console.WriteLine(markdown);
        return 0;
    }
}
