using System.Security.Cryptography;
using OnnxVideo.Packaging.Optimizers;
using OnnxVideo.Packaging;
using OnnxVideo.Packaging.Tuning;
using OnnxVideo.Media;
using OnnxVideo.Onnx;
using OnnxVideo.Training.Tests.Sessions;

namespace OnnxVideo.Training.Tests.EndToEnd;

/// <summary>
/// <see cref="LinearTrainingPackage"/> as a complete training package folder: the exporter's own manifest type lists
/// the graphs, tensors and SHA-256 of every file, so <c>TrainingPackage.Load</c> and <c>onnxvideo train</c> accept it.
/// </summary>
internal static class ExportedLinearPackage
{
    /// <param name="softTargets">Training graphs take soft targets (as packages the exporter writes now), so mixup can be used.</param>
    public static string Write(string directory, PreprocessingContract contract, float learningRate = 0.05f, bool softTargets = false)
    {
        long[] sampleShape = [3, contract.Frames, contract.CropSize, contract.CropSize];
        var features = (int)sampleShape.Aggregate(1L, (a, b) => a * b);
        var classes = contract.Labels.Length;
        LinearTrainingPackage.Write(directory, sampleShape, classes, Enumerable.Repeat(1f, features).ToArray(),
            new float[features * classes], new float[classes], softTargets);
        var files = Directory.GetFiles(directory).Select(Path.GetFileName).Order(StringComparer.Ordinal)
            .Select(name => new PackageFileEntry(name!, new FileInfo(Path.Combine(directory, name!)).Length,
                Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(directory, name!))))))
            .ToList();
        var manifest = new TrainingPackageManifest
        {
            Contract = contract,
            ClassCount = classes,
            Tuning = new PackageTuningEntry("full", TuningKind.Full, "W", "b", []),
            Optimizer = new OptimizerSettings { Kind = OptimizerKind.Sgd, LearningRate = learningRate, WeightDecay = 0, Momentum = LinearTrainingPackage.Momentum },
            Opset = 17,
            Io = new PackageIoNames { Targets = softTargets ? "targets" : null },
            Parameters =
            [
                new PackageParameterEntry("W", [features, classes], true, "W.grad", "W.new", [new PackageStateEntry("W.momentum", "W.momentum.new")]),
                new PackageParameterEntry("b", [classes], false, "b.grad", "b.new", [new PackageStateEntry("b.momentum", "b.momentum.new")]),
            ],
            Frozen = [new PackageTensorEntry("scale", "F32", [features])],
            TrainableParameterCount = features * classes + classes,
            FrozenParameterCount = features,
            Files = files,
        };
        AtomicFile.WriteAllBytes(Path.Combine(directory, TrainingPackageManifest.FileName), System.Text.Encoding.UTF8.GetBytes(manifest.ToJson()));
        return directory;
    }
}
