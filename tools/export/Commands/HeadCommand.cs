using System.CommandLine;
using System.Globalization;
using OnnxVideo.CommandLine;
using OnnxVideo.Models;
using OnnxVideo.Packaging.Contracts;
using OnnxVideo.Models.Import;
using OnnxVideo.Media;
using OnnxVideo.Onnx;

namespace OnnxVideo.ExportTool.Commands;

/// <summary>
/// <c>onnxvideo-export head</c>: imports a foreign ONNX video classifier, gives it a new head for the given classes
/// (or keeps its head), optionally exposes the penultimate features, and writes the preprocessing contract into
/// metadata_props. Contract values not given as flags come from the contract the model already carries, else from
/// the model's fixed input dimensions and torchvision's Kinetics normalisation.
/// </summary>
public static class HeadCommand
{
    /// <summary>Models above this size keep their weights as external data beside the .onnx (protobuf's 2 GB cap).</summary>
    private const long InlineLimitBytes = 1L << 30;

    public static Command Create()
    {
        var f = new Flags();
        var command = new Command("head", "Import an ONNX video classifier: new head for your classes (or keep it), features output, preprocessing contract");
        foreach (var option in f.All())
        {
            command.Options.Add(option);
        }
        command.SetHandler((parse, _) => Task.FromResult(Run(f, parse)));
        return command;
    }

    /// <summary>The options of <c>head</c>.</summary>
    private sealed class Flags
    {
        public Option<string> Model { get; } = new("--model") { Description = "The ONNX classifier to import (e.g. from torch.onnx.export)", Required = true };
        public Option<string?> Classes { get; } = new("--classes") { Description = "Class count N, or a labels file with one label per line (or --extend)" };
        public Option<string?> Extend { get; } = new("--extend") { Description = "Class-incremental: keep the trained head's classes and add those of this labels file (one per line)" };
        public Option<string> Output { get; } = new("--out") { Description = "The ONNX model to write", Required = true };
        public Option<bool> KeepHead { get; } = new("--keep-head") { Description = "Keep the model's own head (the class count must match it)" };
        public Option<bool> Features { get; } = new("--features") { Description = "Also output the penultimate features [N, F] as 'features'" };
        public Option<int> Seed { get; } = CommonOptions.Seed("the new head's random initialisation");
        public Option<int?> Frames { get; } = new("--frames") { Description = "Frames per clip T (default: the model input's fixed T)" };
        public Option<int?> Size { get; } = new("--size") { Description = "Side of the square crop S (default: the model input's fixed size)" };
        public Option<int?> Resize { get; } = new("--resize") { Description = "Short side after resizing, before cropping (default: S × 128/112)" };
        public Option<string?> Mean { get; } = new("--mean") { Description = "Per-channel mean on the 0..1 scale, e.g. 0.43216,0.394666,0.37645" };
        public Option<string?> Std { get; } = new("--std") { Description = "Per-channel standard deviation on the 0..1 scale" };
        public Option<string?> Layout { get; } = new("--layout") { Description = "NCTHW or NTCHW (default: guessed from where the model input has 3 channels)" };
        public Option<string?> Sampling { get; } = new("--sampling") { Description = "Uniform (segments over the whole video) or dense (consecutive frames with --stride)" };
        public Option<int?> Stride { get; } = new("--stride") { Description = "Frame step of dense sampling" };
        public Option<string?> Logits { get; } = new("--logits") { Description = "The graph output holding the logits (default: the first output)" };

        public IEnumerable<Option> All() => [Model, Classes, Extend, Output, KeepHead, Features, Seed, Frames, Size, Resize, Mean, Std, Layout, Sampling, Stride, Logits];
    }

    private static int Run(Flags f, ParseResult parse)
    {
        var modelPath = parse.GetValue(f.Model)!;
        var outPath = parse.GetValue(f.Output)!;
        if (parse.GetValue(f.Extend) is { } extend)
        {
            return RunExtend(f, parse, modelPath, outPath, extend);
        }
        var labels = ClassLabels.Resolve(parse.GetValue(f.Classes) ?? throw new InvalidFlagException("--classes", "needed: a class count or labels file (or --extend with a trained model)"));
        var onnx = OnnxModelFile.Load(modelPath);
        OrtModelCheck.RequireLoadable(modelPath);
        var clip = ClipInput.Of(onnx, modelPath);
        // A contract the model already carries supplies the defaults; flags override it.
        var existing = ModelContracts.Read(onnx, modelPath);
        var keep = parse.GetValue(f.KeepHead);
        var imported = UntrustedModel.Process(modelPath, "import the classifier", () => OnnxClassifierImporter.Import(onnx, modelPath, new ImportOptions
        {
            NewClasses = keep ? null : labels.Length,
            ExposeFeatures = parse.GetValue(f.Features),
            Seed = parse.GetValue(f.Seed),
            LogitsOutput = parse.GetValue(f.Logits),
        }));
        if (keep && imported.Classes != labels.Length)
        {
            throw new InvalidContractException(parse.GetValue(f.Classes)!,
                $"class count mismatch: {labels.Length} classes given, but the kept head of {modelPath} has {imported.Classes} outputs");
        }
        var contract = ContractFrom(f, parse, existing, clip, modelPath, labels);
        clip.Check(contract, modelPath);
        ModelContracts.Write(imported.Model, contract, imported.LogitsName, source: outPath);
        var inline = imported.Model.CalculateSize() <= InlineLimitBytes;
        if (inline)
        {
            OrtModelCheck.RequireLoadable(imported.Model, outPath);
        }
        UserFileException.Guard(outPath, "cannot write the model", () => OnnxModelFile.Save(imported.Model, outPath, inline ? long.MaxValue : 1024));
        if (!inline)
        {
            OrtModelCheck.RequireLoadable(outPath);
        }

        var head = imported.OriginalHead;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrote {outPath}: {(keep ? $"kept the {head.Kind} head ({head.FeatureCount} → {head.ClassCount})" : $"new head {head.FeatureCount} → {labels.Length} (was {head.ClassCount})")}, " +
            $"logits '{imported.LogitsName}'{(imported.FeaturesName is { } features ? $", features '{features}' [N, {head.FeatureCount}]" : "")}, " +
            $"input '{clip.Name}' {contract.Layout} {contract.Frames}×{contract.CropSize}×{contract.CropSize}"));
        foreach (var note in imported.Notes)
        {
            Console.WriteLine($"  {note}");
        }
        return ExitCodes.Ok;
    }

    /// <summary><c>head --extend</c>: the trained model keeps its head and contract; only new classes are added.</summary>
    private static int RunExtend(Flags f, ParseResult parse, string modelPath, string outPath, string labelsFile)
    {
        if (parse.GetValue(f.Classes) is not null || parse.GetValue(f.KeepHead))
        {
            throw new InvalidFlagException("--extend", labelsFile, "adds classes to the model's own head: leave out --classes and --keep-head");
        }
        var newLabels = ClassLabels.ReadFile(labelsFile);
        var onnx = OnnxModelFile.Load(modelPath);
        OrtModelCheck.RequireLoadable(modelPath);
        var before = ModelContracts.Read(onnx, modelPath)?.Labels.Length ?? 0;
        UntrustedModel.Process(modelPath, "extend the head", () =>
        {
            HeadExtension.Extend(onnx, newLabels, parse.GetValue(f.Seed), modelPath, labelsFile);
            return onnx;
        });
        OrtModelCheck.RequireLoadable(onnx, outPath);
        UserFileException.Guard(outPath, "cannot write the model", () => OnnxModelFile.Save(onnx, outPath, onnx.CalculateSize() <= InlineLimitBytes ? long.MaxValue : 1024));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrote {outPath}: head extended from {before} to {before + newLabels.Length} classes (added {string.Join(", ", newLabels)}); the old classes' weights are unchanged"));
        return ExitCodes.Ok;
    }

    private static PreprocessingContract ContractFrom(Flags f, ParseResult parse, PreprocessingContract? existing, ClipInput clip, string modelPath,
        string[] labels)
    {
        var chosenLayout = parse.GetValue(f.Layout) is { } l ? ParseLayout(l) : existing?.Layout ?? clip.GuessLayout() ?? TensorLayout.NCTHW;
        var t = parse.GetValue(f.Frames) ?? existing?.Frames ?? (int?)clip.Frames(chosenLayout)
            ?? throw new InvalidFlagException("--frames", $"needed: input '{clip.Name}' [{clip.Shape}] of {modelPath} has no fixed frame count");
        var s = parse.GetValue(f.Size) ?? existing?.CropSize ?? (int?)clip.Size
            ?? throw new InvalidFlagException("--size", $"needed: input '{clip.Name}' [{clip.Shape}] of {modelPath} has no fixed square size");
        var defaults = existing ?? new PreprocessingContract();
        return defaults with
        {
            Frames = t,
            CropSize = s,
            ResizeShortSide = parse.GetValue(f.Resize) ?? (existing is not null && existing.CropSize == s ? existing.ResizeShortSide : (int)Math.Round(s * 128.0 / 112.0)),
            Mean = parse.GetValue(f.Mean) is { } m ? ParseTriple("--mean", m) : defaults.Mean,
            Std = parse.GetValue(f.Std) is { } sd ? ParseTriple("--std", sd) : defaults.Std,
            Layout = chosenLayout,
            Sampling = parse.GetValue(f.Sampling) is { } sm ? ParseSampling(sm) : defaults.Sampling,
            Stride = parse.GetValue(f.Stride) ?? defaults.Stride,
            Labels = labels,
        };
    }

    private static TensorLayout ParseLayout(string value) =>
        Enum.TryParse<TensorLayout>(value, ignoreCase: true, out var layout) && Enum.IsDefined(layout)
            ? layout
            : throw new InvalidFlagException("--layout", value, "expected NCTHW or NTCHW");

    private static SamplingMode ParseSampling(string value) => value.ToLowerInvariant() switch
    {
        "uniform" or "uniformsegments" or "segments" => SamplingMode.UniformSegments,
        "dense" => SamplingMode.Dense,
        _ => throw new InvalidFlagException("--sampling", value, "expected uniform or dense"),
    };

    private static float[] ParseTriple(string flag, string value)
    {
        var parts = value.Split(',', StringSplitOptions.TrimEntries);
        var numbers = new float[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!float.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out numbers[i]) || !float.IsFinite(numbers[i]))
            {
                throw new InvalidFlagException(flag, value, $"'{parts[i]}' is not a number");
            }
        }
        return numbers.Length == 3 ? numbers : throw new InvalidFlagException(flag, value, $"expected 3 comma-separated values, got {numbers.Length}");
    }
}
