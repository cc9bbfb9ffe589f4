using System.Globalization;
using System.Text.Json;
using OnnxVideo.Media;
using OnnxVideo.Models.Compilation;
using OnnxVideo.Models.Recipes;
using OnnxVideo.Models.Tuning;
using OnnxVideo.Models.Zoo;
using OnnxVideo.Onnx;
using OnnxVideo.Packaging;
using OnnxVideo.Packaging.Contracts;
using OnnxVideo.Packaging.Optimizers;
using OnnxVideo.Training.Data;
using OnnxVideo.Training.Loading;
using OnnxVideo.Training.Metrics;

namespace OnnxVideo.Benchmarks.Transfer;

/// <summary>
/// <c>OnnxVideo.Benchmarks peft</c>: the README's table of tuning methods on one transfer task. Every run starts from
/// the pretrained checkpoint of models/ (new head) on the transfer experiment's data (default 4-class motion set, 20
/// clips per class, a separate validation set of 20 per class): trainable parameters, best and last validation
/// top-1, and training seconds per epoch for head, LoRA, BitFit, adapters, prompts (shallow and deep), last block and
/// full tuning, and full tuning with drop path, mixup/CutMix and EMA, alone and together.
/// </summary>
public static class PeftExperiment
{
    private static readonly MixSettings Mix = new() { MixupAlpha = 0.8, CutmixAlpha = 1.0, Probability = 1.0, SwitchProbability = 0.5 };
    private const double EmaDecay = 0.98;

    private static readonly PeftMethod[] Methods =
    [
        new("head", "head", 5e-3),
        new("lora", "lora:r=8,alpha=16", 2e-3),
        new("bitfit", "bitfit", 2e-3),
        new("adapter", "adapter:dim=16", 2e-3),
        new("prompt", "prompt:tokens=8", 2e-3),
        new("prompt-deep", "prompt:tokens=8,deep", 2e-3),
        new("last", "last", 1e-3),
        new("full", "full", 5e-4),
        new("full+droppath", "full", 5e-4, DropPath: 0.1f),
        new("full+mixup", "full", 5e-4, Mix: Mix),
        new("full+ema", "full", 5e-4, EmaDecay: EmaDecay),
        new("full+all", "full", 5e-4, DropPath: 0.1f, Mix: Mix, EmaDecay: EmaDecay),
    ];

    private static readonly TransferSettings Defaults = new()
    {
        PerClass = [20], ValidationPerClass = 20, Epochs = 15, Architectures = ["video_vit_tiny", "tiny3d"],
        Modes = Methods.Select(m => m.Name).ToArray(), Output = ".cache/peft",
    };

    public static int Run(string[] args)
    {
        var settings = TransferSettings.Parse(args, Defaults);
        if (settings.PerClass.Length != 1)
        {
            throw new ArgumentException("peft runs one label budget (--per-class N)");
        }
        var unknown = settings.Modes.Except(Methods.Select(m => m.Name)).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"unknown mode(s) {string.Join(", ", unknown)} ({string.Join(", ", Methods.Select(m => m.Name))})");
        }
        return TransferHarness.RunExperiment<PeftRun>(settings, "peft.md",
            (arch, root, train, validation, record) => RunArchitecture(settings, arch, root, train, validation, record),
            results => PeftTable.Markdown(results));
    }

    private static void RunArchitecture(TransferSettings settings, string arch, string root, VideoDataset train, VideoDataset validation,
        Action<PeftRun> record)
    {
        var recipe = ModelRecipeReader.Read(Path.Combine(settings.Models, arch + ".json"));
        var contract = TransferHarness.ZooContract(recipe, train.Classes);
        var source = TransferHarness.DecodedSource(contract, train, validation);
        var subset = TransferHarness.Subset(train, settings.PerClass[0]);
        var isTransformer = ModelZoo.Get(arch) is VideoVit;
        var models = new Dictionary<float, string>();
        foreach (var method in Methods.Where(m => settings.Modes.Contains(m.Name)))
        {
            if (method.DropPath > 0 && !isTransformer)
            {
                Console.WriteLine($"{arch} {method.Name}: not applicable (drop path is for transformers; {arch} has no Dropout)");
                continue;
            }
            if (!models.TryGetValue(method.DropPath, out var modelPath))
            {
                modelPath = models[method.DropPath] = WriteModel(settings, arch, recipe, contract, root, method.DropPath);
            }
            var tuning = method.Tuning == "last" ? LastBlock(isTransformer) : TuningSpec.Parse(method.Tuning);
            var packageDir = Path.Combine(root, arch, method.Name, "package");
            TrainingPackageManifest manifest;
            try
            {
                manifest = TrainingPackageWriter.Write(OnnxModelFile.Load(modelPath), new TrainingPackageOptions
                {
                    Tuning = tuning,
                    Optimizer = OptimizerSettings.DefaultFor(OptimizerKind.AdamW) with { LearningRate = (float)method.LearningRate },
                }, packageDir, modelPath);
            }
            catch (UserInputException e)
            {
                Console.WriteLine($"{arch} {method.Name}: not applicable: {e.Message}");
                continue;
            }
            var summary = TransferHarness.TrainOne(settings, packageDir, subset, validation, source, Path.Combine(root, arch, method.Name, "run"),
                method.LearningRate, method.Mix, method.EmaDecay);
            var epochs = MetricsLog.Read(summary.MetricsPath);
            var row = new PeftRun(arch, method.Name, tuning.ToString(), method.Regularisation, manifest.TrainableParameterCount,
                manifest.TrainableParameterCount + manifest.FrozenParameterCount, summary.BestValidation?.Top1 ?? 0, summary.BestEpoch,
                epochs[^1].ValidationTop1 ?? 0, epochs.Average(e => e.Seconds), File.ReadAllText("/proc/loadavg").Split(' ')[0]);
            record(row);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{arch} {method.Name}: {row.TrainableParameters:N0} trainable, top-1 {row.BestTop1 * 100:0.0} % (epoch {row.BestEpoch}), last {row.LastTop1 * 100:0.0} %, {row.SecondsPerEpoch:0.0} s/epoch; load {row.LoadAverage}"));
        }
    }

    /// <summary>The pretrained model with a new head, with drop path at <paramref name="dropPath"/> (transformers).</summary>
    private static string WriteModel(TransferSettings settings, string arch, ModelRecipe recipe, PreprocessingContract contract, string root, float dropPath)
    {
        var modelPath = Path.Combine(root, arch, dropPath > 0 ? string.Create(CultureInfo.InvariantCulture, $"model-droppath{dropPath}.onnx") : "model.onnx");
        Directory.CreateDirectory(Path.GetDirectoryName(modelPath)!);
        var model = ModelZoo.Build(arch, new ZooOptions
        {
            Classes = contract.Labels.Length, Frames = recipe.Frames, Size = recipe.Size, Seed = settings.Seed,
            WeightsPath = recipe.Weights!.File, NewHead = true, DropPathRate = dropPath,
        });
        ModelContracts.Write(model, contract, source: modelPath);
        OnnxModelFile.Save(model, modelPath);
        return modelPath;
    }

    /// <summary>The last block and the head, as the transfer table's <c>last</c>.</summary>
    private static TuningSpec LastBlock(bool isTransformer) =>
        TuningSpec.ForPattern(isTransformer ? @"^(videomae\.encoder\.layer\.3\.|fc_norm\.)" : @"^stages\.3\.");
}
