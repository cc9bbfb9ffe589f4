using System.Globalization;
using System.Text.Json;
using OnnxVideo.Models.Compilation;
using OnnxVideo.Models.Recipes;
using OnnxVideo.Models.Tuning;
using OnnxVideo.Models.Zoo;
using OnnxVideo.Onnx;
using OnnxVideo.Packaging.Contracts;
using OnnxVideo.Packaging.Optimizers;
using OnnxVideo.Training.Data;

namespace OnnxVideo.Benchmarks.Transfer;

/// <summary>
/// <c>OnnxVideo.Benchmarks transfer</c>: the README's transfer table. Pretrained (the checkpoints of models/, made on
/// the pretext task) against random initialisation, on the default 4-class motion set with few labels, for head-only,
/// LoRA, last-block and full tuning: best validation top-1 and training time of each run. Every clip is decoded once
/// (before any run is timed), so the times are training and validation compute. The data, decoding and runs are
/// <see cref="TransferHarness"/>'s, shared with <see cref="PeftExperiment"/>.
/// </summary>
public static class TransferExperiment
{
    public static int Run(string[] args)
    {
        var settings = TransferSettings.Parse(args);
        return TransferHarness.RunExperiment<TransferRun>(settings, "transfer.md",
            (arch, root, train, validation, record) => RunArchitecture(settings, arch, root, train, validation, record),
            results => TransferTable.Markdown(results, settings));
    }

    /// <summary>Both initialisations of one architecture in every mode and label budget.</summary>
    private static void RunArchitecture(TransferSettings settings, string arch, string root, VideoDataset train, VideoDataset validation,
        Action<TransferRun> record)
    {
        var recipe = ModelRecipeReader.Read(Path.Combine(settings.Models, arch + ".json"));
        var contract = TransferHarness.ZooContract(recipe, train.Classes);
        var source = TransferHarness.DecodedSource(contract, train, validation);
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
                    var run = TransferHarness.TrainOne(settings, packageDir, TransferHarness.Subset(train, perClass), validation, source,
                        Path.Combine(root, arch, init, mode, $"run-{perClass}"), lr);
                    var row = new TransferRun(arch, init, mode, perClass, run.BestValidation?.Top1 ?? 0, run.BestEpoch, run.Seconds);
                    record(row);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{arch} {init} {mode} {perClass}/class: top-1 {row.Top1 * 100:0.0} % (epoch {row.BestEpoch}), {row.Seconds:0.0} s; load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}"));
                }
            }
        }
    }

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
}
