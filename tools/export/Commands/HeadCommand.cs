using System.CommandLine;
using System.Globalization;
using OnnxVideo.CommandLine;
using OnnxVideo.Export;
using OnnxVideo.Export.Contracts;
using OnnxVideo.Export.Import;
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
        var model = new Option<string>("--model") { Description = "The ONNX classifier to import (e.g. from torch.onnx.export)", Required = true };
        var classes = new Option<string>("--classes") { Description = "Class count N, or a labels file with one label per line", Required = true };
        var output = new Option<string>("--out") { Description = "The ONNX model to write", Required = true };
        var keepHead = new Option<bool>("--keep-head") { Description = "Keep the model's own head (the class count must match it)" };
        var features = new Option<bool>("--features") { Description = "Also output the penultimate features [N, F] as 'features'" };
        var seed = CommonOptions.Seed("the new head's random initialisation");
        var frames = new Option<int?>("--frames") { Description = "Frames per clip T (default: the model input's fixed T)" };
        var size = new Option<int?>("--size") { Description = "Side of the square crop S (default: the model input's fixed size)" };
        var resize = new Option<int?>("--resize") { Description = "Short side after resizing, before cropping (default: S × 128/112)" };
        var mean = new Option<string?>("--mean") { Description = "Per-channel mean on the 0..1 scale, e.g. 0.43216,0.394666,0.37645" };
        var std = new Option<string?>("--std") { Description = "Per-channel standard deviation on the 0..1 scale" };
        var layout = new Option<string?>("--layout") { Description = "NCTHW or NTCHW (default: guessed from where the model input has 3 channels)" };
        var sampling = new Option<string?>("--sampling") { Description = "Uniform (segments over the whole video) or dense (consecutive frames with --stride)" };
        var stride = new Option<int?>("--stride") { Description = "Frame step of dense sampling" };
        var logits = new Option<string?>("--logits") { Description = "The graph output holding the logits (default: the first output)" };

        var command = new Command("head", "Import an ONNX video classifier: new head for your classes (or keep it), features output, preprocessing contract");
        foreach (var option in new Option[] { model, classes, output, keepHead, features, seed, frames, size, resize, mean, std, layout, sampling, stride, logits })
        {
            command.Options.Add(option);
        }
        command.SetHandler((parse, _) =>
        {
            var modelPath = parse.GetValue(model)!;
            var outPath = parse.GetValue(output)!;
            var labels = ClassLabels.Resolve(parse.GetValue(classes)!);
            var onnx = OnnxModelFile.Load(modelPath);
            OrtModelCheck.RequireLoadable(modelPath);
            var clip = ClipInput.Of(onnx, modelPath);
            // A contract the model already carries supplies the defaults; flags override it.
            var existing = ModelContracts.Read(onnx, modelPath);

            var keep = parse.GetValue(keepHead);
            var imported = UntrustedModel.Process(modelPath, "import the classifier", () => OnnxClassifierImporter.Import(onnx, modelPath, new ImportOptions
            {
                NewClasses = keep ? null : labels.Length,
                ExposeFeatures = parse.GetValue(features),
                Seed = parse.GetValue(seed),
                LogitsOutput = parse.GetValue(logits),
            }));
            if (keep && imported.Classes != labels.Length)
            {
                throw new InvalidContractException(parse.GetValue(classes)!,
                    $"class count mismatch: {labels.Length} classes given, but the kept head of {modelPath} has {imported.Classes} outputs");
            }

            var chosenLayout = parse.GetValue(layout) is { } l ? ParseLayout(l) : existing?.Layout ?? clip.GuessLayout() ?? TensorLayout.NCTHW;
            var t = parse.GetValue(frames) ?? existing?.Frames ?? (int?)clip.Frames(chosenLayout)
                ?? throw new InvalidFlagException("--frames", $"needed: input '{clip.Name}' [{clip.Shape}] of {modelPath} has no fixed frame count");
            var s = parse.GetValue(size) ?? existing?.CropSize ?? (int?)clip.Size
                ?? throw new InvalidFlagException("--size", $"needed: input '{clip.Name}' [{clip.Shape}] of {modelPath} has no fixed square size");
            var defaults = existing ?? new PreprocessingContract();
            var contract = defaults with
            {
                Frames = t,
                CropSize = s,
                ResizeShortSide = parse.GetValue(resize) ?? (existing is not null && existing.CropSize == s ? existing.ResizeShortSide : (int)Math.Round(s * 128.0 / 112.0)),
                Mean = parse.GetValue(mean) is { } m ? ParseTriple("--mean", m) : defaults.Mean,
                Std = parse.GetValue(std) is { } sd ? ParseTriple("--std", sd) : defaults.Std,
                Layout = chosenLayout,
                Sampling = parse.GetValue(sampling) is { } sm ? ParseSampling(sm) : defaults.Sampling,
                Stride = parse.GetValue(stride) ?? defaults.Stride,
                Labels = labels,
            };
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
                $"logits '{imported.LogitsName}'{(imported.FeaturesName is { } f ? $", features '{f}' [N, {head.FeatureCount}]" : "")}, " +
                $"input '{clip.Name}' {chosenLayout} {t}×{s}×{s}"));
            foreach (var note in imported.Notes)
            {
                Console.WriteLine($"  {note}");
            }
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
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
