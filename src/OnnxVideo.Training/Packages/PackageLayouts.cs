using System.Security.Cryptography;
using OnnxVideo.Packaging;
using OnnxVideo.Media;
namespace OnnxVideo.Training.Packages;

/// <summary>
/// Maps a loaded, validated training package (OnnxVideo.Packaging's reader owns the manifest format) to the
/// <see cref="TrainingPackageLayout"/> that OnnxVideo.Training consumes, with Packaging's inference export as exporter.
/// </summary>
public static class PackageLayouts
{
    public static TrainingPackageLayout Load(string directory) => FromExport(TrainingPackage.Load(directory));

    internal static TrainingPackageLayout FromExport(TrainingPackage package)
    {
        var m = package.Manifest;
        return new TrainingPackageLayout
        {
            Directory = package.Directory,
            PackageId = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(package.ManifestPath))),
            TrainStepPath = package.TrainStepPath,
            EvalPath = package.EvalPath,
            GradientsPath = package.GradientsPath,
            OptimizerPath = package.OptimizerPath,
            InputGradientPath = package.InputGradientPath,
            TrainablePath = package.TrainablePath,
            OptimizerStatePath = package.OptimizerStatePath,
            FrozenPath = File.Exists(package.FrozenPath) ? package.FrozenPath : null,
            Names = new TrainingGraphNames
            {
                Video = m.Io.Video,
                Labels = m.Io.Labels,
                Targets = m.Io.Targets,
                LearningRate = m.Io.LearningRate,
                Step = m.Io.Step,
                ClipNorm = m.Io.ClipNorm,
                Loss = m.Io.Loss,
                Logits = m.Io.Logits,
                GradientNorm = m.Io.GradientNorm,
                VideoGradient = m.Io.VideoGradient,
                DropoutSeed = m.Io.DropoutSeed,
                TeacherLogits = m.Io.TeacherLogits,
                Tokens = m.Io.Tokens,
                TargetTokens = m.Io.TargetTokens,
            },
            Parameters = m.Parameters.Select(p => new TrainableParameter(p.Name, p.Shape, p.Gradient, p.Updated,
                p.State.Select(s => new OptimizerStateTensor(s.Name, s.Updated)).ToList())).ToList(),
            OptimizerStateGuarded = m.OptimizerStateGuarded,
            Buffers = m.Buffers.Select(b => new RunningStatistic(b.Name, b.Shape, b.Updated)).ToList(),
            Contract = m.Contract,
            ClassCount = m.ClassCount,
            LabelSmoothing = m.LabelSmoothing,
            Optimizer = m.Optimizer.Kind,
            WeightDecay = m.Optimizer.WeightDecay,
            DefaultLearningRate = m.Optimizer.LearningRate,
            Tuning = m.Tuning.Kind,
            HeadWeight = m.Tuning.HeadWeight,
            DistillationClasses = m.Distillation?.OldClasses,
            Exporter = m.Caption is null ? new Exporter(package) : new CaptionerExporter(package),
            Captions = m.Caption is { } c ? new Loading.CaptionTokens(c.Pad, c.Bos, c.Eos, c.MaxLength) : null,
            TokenizerPath = m.Caption?.TokenizerFile is { } tokenizer ? package.PathOf(tokenizer) : null,
        };
    }

    private sealed class Exporter(TrainingPackage package) : IInferenceModelExporter
    {
        public void Export(string trainableWeightsPath, string outputPath, PreprocessingContract? contract) =>
            InferenceExport.Export(package, trainableWeightsPath, outputPath, contract);
    }

    /// <summary>Caption packages: the trained weights substituted into the package's inference graphs, as a captioner folder.</summary>
    private sealed class CaptionerExporter(TrainingPackage package) : IInferenceModelExporter
    {
        public void Export(string trainableWeightsPath, string outputPath, PreprocessingContract? contract) =>
            CaptionerExport.Export(package, trainableWeightsPath, outputPath, contract);
    }
}
