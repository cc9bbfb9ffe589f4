using System.CommandLine;
using System.Globalization;
using OnnxVideo.CommandLine;
using OnnxVideo.Models;
using OnnxVideo.Packaging.Optimizers;
using OnnxVideo.Packaging;
using OnnxVideo.Models.Compilation;
using OnnxVideo.Models.Tuning;
using OnnxVideo.Media;
using OnnxVideo.Onnx;

namespace OnnxVideo.ExportTool.Commands;

/// <summary><c>onnxvideo-export package</c>: compiles a classifier into a training package.</summary>
public static class PackageCommand
{
    public static Command Create()
    {
        var f = new Flags();
        var command = new Command("package", "Compile a model into a training package (train step, eval, gradients and optimizer graphs, weights)");
        foreach (var option in f.All())
        {
            command.Options.Add(option);
        }
        command.SetHandler((parse, _) => Task.FromResult(Run(f, parse)));
        return command;
    }

    /// <summary>The options of <c>package</c>.</summary>
    private sealed class Flags
    {
        public Option<FileInfo> Model { get; } = new("--model") { Description = "ONNX classifier (one video input, logits [N, classes] as first output), or a video_caption model", Required = true };
        public Option<FileInfo?> Tokenizer { get; } = new("--tokenizer") { Description = "Captioners: the tokenizer.json to store in the package (its vocabulary must be the model's)" };
        public Option<string> Tune { get; } = new("--tune") { Description = "head | pattern:<regex> | bitfit | lora:r=8,alpha=16[,dropout=0.05][,target=<regex>] | adapter:dim=64[,scale=1][,target=<regex>][,temporal] | prompt:tokens=8[,deep] | full; parameter-efficient methods combine with '+' (lora:r=8+bitfit)", DefaultValueFactory = _ => "head" };
        public Option<string> Optimizer { get; } = new("--optimizer") { Description = "adamw | sgd", DefaultValueFactory = _ => "adamw" };
        public Option<float?> Lr { get; } = new("--lr") { Description = "Default learning rate (adamw 1e-3, sgd 1e-2)" };
        public Option<float?> WeightDecay { get; } = new("--weight-decay") { Description = "Weight decay (adamw 0.01, sgd 0); biases and norm parameters excluded" };
        public Option<bool> DecayAll { get; } = new("--decay-1d") { Description = "Also apply weight decay to 1-D parameters (biases, norms)" };
        public Option<float?> Momentum { get; } = new("--momentum") { Description = "SGD momentum (default 0.9)" };
        public Option<bool> Nesterov { get; } = new("--nesterov") { Description = "SGD with Nesterov momentum" };
        public Option<float?> Beta1 { get; } = new("--beta1") { Description = "AdamW beta1 (default 0.9)" };
        public Option<float?> Beta2 { get; } = new("--beta2") { Description = "AdamW beta2 (default 0.999)" };
        public Option<float?> Epsilon { get; } = new("--eps") { Description = "AdamW epsilon (default 1e-8)" };
        public Option<float> LabelSmoothing { get; } = new("--label-smoothing") { Description = "Cross-entropy label smoothing in [0, 1)" };
        public Option<float> ClipNorm { get; } = new("--clip-norm") { Description = "Default global gradient-norm clip (0 = off)" };
        public Option<string> BatchNorm { get; } = new("--batchnorm")
        {
            Description = "auto (train the BatchNorm layers whose scale or bias is trained: batch statistics, running statistics updated) | train (all) | frozen (none)",
            DefaultValueFactory = _ => "auto",
        };
        public Option<string> Dropout { get; } = new("--dropout") { Description = "Run the model's own Dropout (and video_vit drop path) in training form when training: on | off", DefaultValueFactory = _ => "on" };
        public Option<float?> LayerDecay { get; } = new("--layer-decay") { Description = "Layer-wise learning-rate decay for transformer blocks, in (0, 1] (e.g. 0.75: block i of L trains at lr·0.75^(L−i), the head at lr)" };
        public Option<FileInfo?> Contract { get; } = new("--contract") { Description = "Preprocessing contract JSON (default: the model's own)" };
        public Option<DirectoryInfo> Output { get; } = new("--out") { Description = "Package folder to write", Required = true };
        public Option<bool> Adversarial { get; } = new("--adversarial") { Description = "Also compile input_grad.onnx (d loss / d clip), which `onnxvideo train --adversarial` needs" };

        public IEnumerable<Option> All() =>
            [Model, Tune, Optimizer, Lr, WeightDecay, DecayAll, Momentum, Nesterov, Beta1, Beta2, Epsilon, LabelSmoothing, ClipNorm, BatchNorm, Dropout, LayerDecay, Contract, Output, Adversarial, Tokenizer];
    }

    private static int Run(Flags f, ParseResult parse)
    {
        var settings = OptimizerFrom(f, parse);
        var options = PackageOptionsFrom(f, parse, settings);
        var modelPath = parse.GetValue(f.Model)!.FullName;
        var outDir = parse.GetValue(f.Output)!.FullName;
        var source = OnnxModelFile.Load(modelPath);
        OrtModelCheck.RequireLoadable(modelPath);
        var manifest = UntrustedModel.Process(modelPath, "compile the model into a training package",
            () => TrainingPackageWriter.Write(source, options, outDir, modelPath));
        var total = manifest.TrainableParameterCount + manifest.FrozenParameterCount;
        Console.WriteLine($"package written to {outDir}");
        Console.WriteLine($"  tuning     {manifest.Tuning.Spec} (head {manifest.Tuning.HeadWeight}{TuningParts(manifest.Tuning)})");
        Console.WriteLine($"  optimizer  {settings.Kind.ToString().ToLowerInvariant()} lr {settings.LearningRate.ToString(CultureInfo.InvariantCulture)} weight decay {settings.WeightDecay.ToString(CultureInfo.InvariantCulture)}"
            + (manifest.LayerDecay is { } decay ? $" layer decay {decay.ToString(CultureInfo.InvariantCulture)} (lr × {manifest.Parameters.Min(p => p.LearningRateScale).ToString("G3", CultureInfo.InvariantCulture)} … 1)" : ""));
        Console.WriteLine($"  trainable  {manifest.TrainableParameterCount:N0} parameters in {manifest.Parameters.Count} tensors ({Percent(manifest.TrainableParameterCount, total)})");
        Console.WriteLine($"  frozen     {manifest.FrozenParameterCount:N0} parameters ({Percent(manifest.FrozenParameterCount, total)}); {manifest.Frozen.Count} tensors stored once in {manifest.Graphs.Frozen}");
        if (manifest.Dropout.Count > 0)
        {
            Console.WriteLine($"  dropout    {manifest.Dropout.Count} site{(manifest.Dropout.Count == 1 ? "" : "s")} in training form (ratios {string.Join(", ", manifest.Dropout.Select(d => d.Ratio.ToString("G3", CultureInfo.InvariantCulture)).Distinct())}), masks from input {manifest.Io.DropoutSeed}");
        }
        var trainingBatchNorms = manifest.Buffers.Count / 2;
        Console.WriteLine($"  batchnorm  {manifest.BatchNorm.ToString().ToLowerInvariant()}: batch statistics in {trainingBatchNorms} layer{(trainingBatchNorms == 1 ? "" : "s")}");
        if (manifest.Caption is { } caption)
        {
            Console.WriteLine($"  caption    vocabulary {caption.VocabularySize}, max length {caption.MaxLength}, {caption.Layers} decoder layers × {caption.Heads} heads, memory {caption.MemoryTokens} tokens; {caption.EncoderFile}, {caption.DecoderFile}, {caption.DecoderMemoryFile}, {caption.DecoderStepFile}; tokenizer {caption.TokenizerFile ?? "none"}");
        }
        Console.WriteLine($"  classes    {manifest.ClassCount}; contract {(manifest.Contract is null ? "none (supply one at training time)" : "included")}");
        return ExitCodes.Ok;
    }

    private static string TuningParts(PackageTuningEntry tuning)
    {
        var parts = new List<string>();
        if (tuning.LoraAdapters.Count > 0)
        {
            parts.Add($"{tuning.LoraAdapters.Count} LoRA adapters");
        }
        if (tuning.Adapters is { Count: > 0 } adapters)
        {
            parts.Add($"{adapters.Count} bottleneck adapters");
        }
        if (tuning.Prompts is { } prompts)
        {
            parts.Add($"{prompts.Tokens} prompt tokens{(prompts.Deep ? $" in each of {prompts.Tensors.Count} blocks" : "")}");
        }
        return string.Concat(parts.Select(p => ", " + p));
    }

    private static OptimizerSettings OptimizerFrom(Flags f, ParseResult parse)
    {
        var kind = parse.GetValue(f.Optimizer)?.Trim().ToLowerInvariant() switch
        {
            "adamw" => OptimizerKind.AdamW,
            "sgd" => OptimizerKind.Sgd,
            var other => throw new InvalidFlagException("--optimizer", other ?? "", "unknown optimizer (use adamw or sgd)"),
        };
        if (kind == OptimizerKind.AdamW && (parse.GetValue(f.Momentum) is not null || parse.GetValue(f.Nesterov)))
        {
            throw new InvalidFlagException("--momentum/--nesterov", "apply to --optimizer sgd only");
        }
        if (kind == OptimizerKind.Sgd && (parse.GetValue(f.Beta1) is not null || parse.GetValue(f.Beta2) is not null || parse.GetValue(f.Epsilon) is not null))
        {
            throw new InvalidFlagException("--beta1/--beta2/--eps", "apply to --optimizer adamw only");
        }
        var defaults = OptimizerSettings.DefaultFor(kind);
        var settings = defaults with
        {
            LearningRate = parse.GetValue(f.Lr) ?? defaults.LearningRate,
            WeightDecay = parse.GetValue(f.WeightDecay) ?? defaults.WeightDecay,
            DecayOneDimensional = parse.GetValue(f.DecayAll),
            Momentum = parse.GetValue(f.Momentum) ?? defaults.Momentum,
            Nesterov = parse.GetValue(f.Nesterov),
            Beta1 = parse.GetValue(f.Beta1) ?? defaults.Beta1,
            Beta2 = parse.GetValue(f.Beta2) ?? defaults.Beta2,
            Epsilon = parse.GetValue(f.Epsilon) ?? defaults.Epsilon,
        };
        FlagValues.Check(settings.Validate);
        return settings;
    }

    private static TrainingPackageOptions PackageOptionsFrom(Flags f, ParseResult parse, OptimizerSettings settings)
    {
        var smoothing = parse.GetValue(f.LabelSmoothing);
        if (smoothing is < 0 or >= 1 || float.IsNaN(smoothing))
        {
            throw new InvalidFlagException("--label-smoothing", smoothing.ToString(CultureInfo.InvariantCulture), "must be in [0, 1)");
        }
        var clip = parse.GetValue(f.ClipNorm);
        if (!float.IsFinite(clip))
        {
            throw new InvalidFlagException("--clip-norm", clip.ToString(CultureInfo.InvariantCulture), "must be a finite number");
        }
        var batchNormMode = parse.GetValue(f.BatchNorm)?.Trim().ToLowerInvariant() switch
        {
            "auto" => BatchNormMode.Auto,
            "train" => BatchNormMode.Train,
            "frozen" => BatchNormMode.Frozen,
            var other => throw new InvalidFlagException("--batchnorm", other ?? "", "unknown mode (use auto, train or frozen)"),
        };
        var modelDropout = parse.GetValue(f.Dropout)?.Trim().ToLowerInvariant() switch
        {
            "on" => true,
            "off" => false,
            var other => throw new InvalidFlagException("--dropout", other ?? "", "use on or off"),
        };
        var layerDecay = parse.GetValue(f.LayerDecay);
        if (layerDecay is { } decay && (!float.IsFinite(decay) || decay is <= 0 or > 1))
        {
            throw new InvalidFlagException("--layer-decay", decay.ToString(CultureInfo.InvariantCulture), "must be in (0, 1]");
        }
        var contractFile = parse.GetValue(f.Contract);
        return new TrainingPackageOptions
        {
            Tuning = TuningSpec.Parse(parse.GetValue(f.Tune) ?? "head"),
            Optimizer = settings,
            LabelSmoothing = smoothing,
            ClipNorm = clip,
            BatchNorm = batchNormMode,
            InputGradient = parse.GetValue(f.Adversarial),
            LayerDecay = layerDecay,
            TokenizerPath = parse.GetValue(f.Tokenizer)?.FullName,
            ModelDropout = modelDropout,
            Contract = contractFile is null ? null : PreprocessingContract.FromJson(
                UserFileException.Guard(contractFile.FullName, "cannot read the contract", () => File.ReadAllText(contractFile.FullName)), contractFile.FullName),
        };
    }

    private static string Percent(long part, long total) =>
        total == 0 ? "0%" : (100.0 * part / total).ToString("0.##", CultureInfo.InvariantCulture) + "%";
}
