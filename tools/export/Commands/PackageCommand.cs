using System.CommandLine;
using System.Globalization;
using OnnxVideo.CommandLine;
using OnnxVideo.Export;
using OnnxVideo.Export.Optimizers;
using OnnxVideo.Export.Packaging;
using OnnxVideo.Export.Tuning;
using OnnxVideo.Media;
using OnnxVideo.Onnx;

namespace OnnxVideo.ExportTool.Commands;

/// <summary><c>onnxvideo-export package</c>: compiles a classifier into a training package.</summary>
public static class PackageCommand
{
    public static Command Create()
    {
        var model = new Option<FileInfo>("--model") { Description = "ONNX classifier (one video input, logits [N, classes] as first output)", Required = true };
        var tune = new Option<string>("--tune") { Description = "head | pattern:<regex> | bitfit | lora:r=8,alpha=16[,dropout=0.05][,target=<regex>] | full", DefaultValueFactory = _ => "head" };
        var optimizer = new Option<string>("--optimizer") { Description = "adamw | sgd", DefaultValueFactory = _ => "adamw" };
        var lr = new Option<float?>("--lr") { Description = "Default learning rate (adamw 1e-3, sgd 1e-2)" };
        var weightDecay = new Option<float?>("--weight-decay") { Description = "Weight decay (adamw 0.01, sgd 0); biases and norm parameters excluded" };
        var decayAll = new Option<bool>("--decay-1d") { Description = "Also apply weight decay to 1-D parameters (biases, norms)" };
        var momentum = new Option<float?>("--momentum") { Description = "SGD momentum (default 0.9)" };
        var nesterov = new Option<bool>("--nesterov") { Description = "SGD with Nesterov momentum" };
        var beta1 = new Option<float?>("--beta1") { Description = "AdamW beta1 (default 0.9)" };
        var beta2 = new Option<float?>("--beta2") { Description = "AdamW beta2 (default 0.999)" };
        var epsilon = new Option<float?>("--eps") { Description = "AdamW epsilon (default 1e-8)" };
        var labelSmoothing = new Option<float>("--label-smoothing") { Description = "Cross-entropy label smoothing in [0, 1)" };
        var clipNorm = new Option<float>("--clip-norm") { Description = "Default global gradient-norm clip (0 = off)" };
        var batchNorm = new Option<string>("--batchnorm")
        {
            Description = "auto (train the BatchNorm layers whose scale or bias is trained: batch statistics, running statistics updated) | train (all) | frozen (none)",
            DefaultValueFactory = _ => "auto",
        };
        var contract = new Option<FileInfo?>("--contract") { Description = "Preprocessing contract JSON (default: the model's own)" };
        var output = new Option<DirectoryInfo>("--out") { Description = "Package folder to write", Required = true };

        var command = new Command("package", "Compile a model into a training package (train step, eval, gradients and optimizer graphs, weights)")
        {
            model, tune, optimizer, lr, weightDecay, decayAll, momentum, nesterov, beta1, beta2, epsilon, labelSmoothing, clipNorm, batchNorm, contract, output,
        };
        command.SetHandler((parse, _) =>
        {
            var kind = parse.GetValue(optimizer)?.Trim().ToLowerInvariant() switch
            {
                "adamw" => OptimizerKind.AdamW,
                "sgd" => OptimizerKind.Sgd,
                var other => throw new InvalidFlagException("--optimizer", other ?? "", "unknown optimizer (use adamw or sgd)"),
            };
            if (kind == OptimizerKind.AdamW && (parse.GetValue(momentum) is not null || parse.GetValue(nesterov)))
            {
                throw new InvalidFlagException("--momentum/--nesterov", "apply to --optimizer sgd only");
            }
            if (kind == OptimizerKind.Sgd && (parse.GetValue(beta1) is not null || parse.GetValue(beta2) is not null || parse.GetValue(epsilon) is not null))
            {
                throw new InvalidFlagException("--beta1/--beta2/--eps", "apply to --optimizer adamw only");
            }
            var defaults = OptimizerSettings.DefaultFor(kind);
            var settings = defaults with
            {
                LearningRate = parse.GetValue(lr) ?? defaults.LearningRate,
                WeightDecay = parse.GetValue(weightDecay) ?? defaults.WeightDecay,
                DecayOneDimensional = parse.GetValue(decayAll),
                Momentum = parse.GetValue(momentum) ?? defaults.Momentum,
                Nesterov = parse.GetValue(nesterov),
                Beta1 = parse.GetValue(beta1) ?? defaults.Beta1,
                Beta2 = parse.GetValue(beta2) ?? defaults.Beta2,
                Epsilon = parse.GetValue(epsilon) ?? defaults.Epsilon,
            };
            FlagValues.Check(settings.Validate);
            var smoothing = parse.GetValue(labelSmoothing);
            if (smoothing is < 0 or >= 1 || float.IsNaN(smoothing))
            {
                throw new InvalidFlagException("--label-smoothing", smoothing.ToString(CultureInfo.InvariantCulture), "must be in [0, 1)");
            }
            var clip = parse.GetValue(clipNorm);
            if (!float.IsFinite(clip))
            {
                throw new InvalidFlagException("--clip-norm", clip.ToString(CultureInfo.InvariantCulture), "must be a finite number");
            }
            var batchNormMode = parse.GetValue(batchNorm)?.Trim().ToLowerInvariant() switch
            {
                "auto" => BatchNormMode.Auto,
                "train" => BatchNormMode.Train,
                "frozen" => BatchNormMode.Frozen,
                var other => throw new InvalidFlagException("--batchnorm", other ?? "", "unknown mode (use auto, train or frozen)"),
            };
            var contractFile = parse.GetValue(contract);
            var options = new TrainingPackageOptions
            {
                Tuning = TuningSpec.Parse(parse.GetValue(tune) ?? "head"),
                Optimizer = settings,
                LabelSmoothing = smoothing,
                ClipNorm = clip,
                BatchNorm = batchNormMode,
                Contract = contractFile is null ? null : PreprocessingContract.FromJson(
                UserFileException.Guard(contractFile.FullName, "cannot read the contract", () => File.ReadAllText(contractFile.FullName)), contractFile.FullName),
            };
            var modelPath = parse.GetValue(model)!.FullName;
            var outDir = parse.GetValue(output)!.FullName;
            var source = OnnxModelFile.Load(modelPath);
            OrtModelCheck.RequireLoadable(modelPath);
            var manifest = UntrustedModel.Process(modelPath, "compile the model into a training package",
                () => TrainingPackageWriter.Write(source, options, outDir, modelPath));
            var total = manifest.TrainableParameterCount + manifest.FrozenParameterCount;
            Console.WriteLine($"package written to {outDir}");
            Console.WriteLine($"  tuning     {manifest.Tuning.Spec} (head {manifest.Tuning.HeadWeight}{(manifest.Tuning.LoraAdapters.Count > 0 ? $", {manifest.Tuning.LoraAdapters.Count} LoRA adapters" : "")})");
            Console.WriteLine($"  optimizer  {settings.Kind.ToString().ToLowerInvariant()} lr {settings.LearningRate.ToString(CultureInfo.InvariantCulture)} weight decay {settings.WeightDecay.ToString(CultureInfo.InvariantCulture)}");
            Console.WriteLine($"  trainable  {manifest.TrainableParameterCount:N0} parameters in {manifest.Parameters.Count} tensors ({Percent(manifest.TrainableParameterCount, total)})");
            Console.WriteLine($"  frozen     {manifest.FrozenParameterCount:N0} parameters ({Percent(manifest.FrozenParameterCount, total)}); {manifest.Frozen.Count} tensors stored once in {manifest.Graphs.Frozen}");
            var trainingBatchNorms = manifest.Buffers.Count / 2;
            Console.WriteLine($"  batchnorm  {manifest.BatchNorm.ToString().ToLowerInvariant()}: batch statistics in {trainingBatchNorms} layer{(trainingBatchNorms == 1 ? "" : "s")}");
            Console.WriteLine($"  classes    {manifest.ClassCount}; contract {(manifest.Contract is null ? "none (supply one at training time)" : "included")}");
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

    private static string Percent(long part, long total) =>
        total == 0 ? "0%" : (100.0 * part / total).ToString("0.##", CultureInfo.InvariantCulture) + "%";
}
