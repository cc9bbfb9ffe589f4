using OnnxVideo.Packaging.Optimizers;
using OnnxVideo.Models.Compilation;
using OnnxVideo.Models.Tuning;
using OnnxVideo.Models.Zoo;
using OnnxVideo.Training.Packages;

namespace OnnxVideo.Training.Tests.Sessions;

/// <summary>A tiny3d full-tuning AdamW package (3 classes, samples 3×2×16×16) in its own temp folder, and seeded batches for it.</summary>
internal sealed class TinyFullTuningPackage : IDisposable
{
    public const int Classes = 3;
    public const int SampleElements = 3 * 2 * 16 * 16;

    public TinyFullTuningPackage(int seed, bool inPlaceOptimizerState = false)
    {
        var model = ModelZoo.Build("tiny3d", new ZooOptions { Classes = Classes, Frames = 2, Size = 16, Seed = seed });
        var directory = Folder.File("pkg");
        TrainingPackageWriter.Write(model, new TrainingPackageOptions
        {
            Tuning = TuningSpec.Full,
            Optimizer = OptimizerSettings.DefaultFor(OptimizerKind.AdamW) with { LearningRate = 0.01f },
            InPlaceOptimizerState = inPlaceOptimizerState,
        }, directory, "tiny3d");
        Layout = PackageLayouts.Load(directory);
    }

    public TempDirectory Folder { get; } = new();

    public TrainingPackageLayout Layout { get; }

    public static (float[] Video, int[] Labels) Batch(int seed, int n)
    {
        var rng = new Random(seed);
        var video = Enumerable.Range(0, n * SampleElements).Select(_ => (float)(rng.NextDouble() * 2 - 1 + 0.3)).ToArray();
        return (video, Enumerable.Range(0, n).Select(_ => rng.Next(Classes)).ToArray());
    }

    public void Dispose() => Folder.Dispose();
}
