using System.Globalization;
using OnnxVideo.Autodiff.Optimizers;
using OnnxVideo.Models.Compilation;
using OnnxVideo.Models.Zoo;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Graphs;
using OnnxVideo.Packaging.Optimizers;
using OnnxVideo.Models.Tuning;
using OnnxVideo.Packaging;

namespace OnnxVideo.Benchmarks;

/// <summary>
/// <c>OnnxVideo.Benchmarks write-packages ARCH OUT [--tune full] [--batchnorm auto|frozen|train] [--frames 8 --size 112] [--variant base,conv2d]</c>:
/// writes one training package of a zoo model per compiler variant into OUT/&lt;variant&gt;, for an A/B with
/// <c>step-time</c> (variants: base, conv2d = <see cref="TrainingPackageOptions.LowerConv3dTo2d"/>; either with
/// -nopertap = <see cref="TrainingPackageOptions.PerTapConvWeightGradient"/> off, -noshift =
/// <see cref="TrainingPackageOptions.ShiftedDyConvWeightGradient"/> off, -noframes =
/// <see cref="TrainingPackageOptions.FramesAsChannelsConvWeightGradient"/> off, -nofold =
/// <see cref="TrainingPackageOptions.FoldFrozenBatchNorm"/> off, -frozen3d = <see cref="TrainingPackageOptions.FrozenConvTaps"/>
/// off (-frozenstacked, -frozengathered, -frozensummed: in that form), -raw =
/// <see cref="TrainingPackageOptions.CleanUpGraphs"/> off and/or -doublebuffered = <see cref="TrainingPackageOptions.InPlaceOptimizerState"/> off,
/// e.g. conv2d-nopertap, conv2d-raw, conv2d-doublebuffered; conv2d with -stacked, -gathered or -summed =
/// <see cref="TrainingPackageOptions.StackConvTaps"/> in that form, e.g. conv2d-stacked; -after3d, -aftersummed etc. =
/// <see cref="TrainingPackageOptions.StackConvTapsAfterGradients"/> off or in that form, -dx3d, -dxgathered etc. =
/// <see cref="TrainingPackageOptions.StackInputGradientConvTaps"/> likewise). Prints each train-step graph's node count.
/// </summary>
public static class PackagePairWriter
{
    public static int Run(string[] args)
    {
        var (arch, output) = (args[0], args[1]);
        string Option(string name, string fallback)
        {
            var at = Array.IndexOf(args, name);
            return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
        }
        var frames = int.Parse(Option("--frames", "8"), CultureInfo.InvariantCulture);
        var size = int.Parse(Option("--size", "112"), CultureInfo.InvariantCulture);
        var model = ModelZoo.Build(arch, new ZooOptions { Classes = 10, Frames = frames, Size = size, Seed = 0 });
        foreach (var variant in Option("--variant", "base,conv2d").Split(','))
        {
            var options = new TrainingPackageOptions
            {
                Tuning = TuningSpec.Parse(Option("--tune", "full")),
                BatchNorm = Enum.Parse<BatchNormMode>(Option("--batchnorm", "auto"), ignoreCase: true),
                Optimizer = OptimizerSettings.DefaultFor(OptimizerKind.AdamW),
                LowerConv3dTo2d = variant.StartsWith("conv2d", StringComparison.Ordinal),
                PerTapConvWeightGradient = !variant.Contains("-nopertap", StringComparison.Ordinal),
                CleanUpGraphs = !variant.Contains("-raw", StringComparison.Ordinal),
                ShiftedDyConvWeightGradient = !variant.Contains("-noshift", StringComparison.Ordinal),
                FramesAsChannelsConvWeightGradient = !variant.Contains("-noframes", StringComparison.Ordinal),
                FoldFrozenBatchNorm = !variant.Contains("-nofold", StringComparison.Ordinal),
                InPlaceOptimizerState = !variant.Contains("-doublebuffered", StringComparison.Ordinal),
                FrozenConvTaps = variant.Contains("-frozen3d", StringComparison.Ordinal) ? null : StackForm(variant, "-frozen") ?? TapStackForm.Gathered,
                StackConvTaps = StackForm(variant, "-"),
                StackConvTapsAfterGradients = variant.Contains("-after3d", StringComparison.Ordinal) ? null : StackForm(variant, "-after") ?? TapStackForm.Gathered,
                StackInputGradientConvTaps = variant.Contains("-dx3d", StringComparison.Ordinal) ? null : StackForm(variant, "-dx") ?? TapStackForm.Summed,
            };
            var directory = Path.Combine(output, variant);
            Directory.CreateDirectory(directory);
            TrainingPackageWriter.Write(model, options, directory);
            var nodes = OnnxModelFile.Load(Path.Combine(directory, "train_step.onnx")).Graph.Node.Count;
            Console.WriteLine($"{variant}: {directory} (train_step: {nodes} nodes)");
        }
        return 0;
    }

    /// <summary>The form a variant names after <paramref name="prefix"/> (e.g. "-stacked", "-frozensummed"), or null.</summary>
    private static TapStackForm? StackForm(string variant, string prefix) =>
        Enum.GetValues<TapStackForm>().Cast<TapStackForm?>()
            .FirstOrDefault(f => variant.Contains(prefix + f.ToString()!.ToLowerInvariant(), StringComparison.Ordinal));
}
