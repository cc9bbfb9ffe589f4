using OnnxVideo.Packaging.Contracts;
using OnnxVideo.Packaging.Optimizers;
using OnnxVideo.Models.Compilation;
using OnnxVideo.Models.Tuning;
using OnnxVideo.Models.Zoo;
using OnnxVideo.Media;
using OnnxVideo.Runtime;
using OnnxVideo.Training.Data;
using OnnxVideo.Training.Evaluation;
using OnnxVideo.Training.Loading;
using OnnxVideo.Training.Packages;
using OnnxVideo.Training.Sessions;

namespace OnnxVideo.Training.Tests.EndToEnd;

/// <summary>
/// The whole path on a real model: tiny3d from random initialisation, compiled into a training package by the exporter,
/// trained on decoded synthetic motion clips, exported for inference and evaluated with the same numbers. Within the CI
/// budget it fits a small set of clips (the set it is validated on); generalisation runs are done by hand.
/// </summary>
public sealed class Tiny3dTrainingTests(SyntheticMotionData data) : IClassFixture<SyntheticMotionData>, IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Package(TuningSpec tuning)
    {
        var model = ModelZoo.Build("tiny3d", new ZooOptions { Classes = 4, Frames = data.Contract.Frames, Size = data.Contract.CropSize, Seed = 1 });
        ModelContracts.Write(model, data.Contract);
        var directory = _dir.File("pkg-" + tuning.Kind);
        TrainingPackageWriter.Write(model, new TrainingPackageOptions
        {
            Tuning = tuning,
            Optimizer = OptimizerSettings.DefaultFor(OptimizerKind.AdamW) with { LearningRate = 0.003f },
            Contract = data.Contract,
        }, directory, "tiny3d");
        return directory;
    }

    [Fact]
    public async Task Tiny3dFromRandomInitialisationFitsDecodedClipsAndItsExportScoresTheSame()
    {
        var package = PackageLayouts.Load(Package(TuningSpec.Full));
        var classes = data.Contract.Labels;
        var train = DatasetReader.Read(data.SmallTrainList, new DatasetOptions { Classes = classes });
        var validation = train;
        var source = new VideoClipSource(data.Contract, ClipAugmentation.None);
        var options = new TrainerOptions { Epochs = 25, BatchSize = 4, LearningRate = 0.003, WarmupSteps = 4, Seed = 2, Workers = 2 };
        var summary = await new Trainer(package, train, validation, source, _dir.File("run"), options,
            new TrainingSessionOptions { IntraOpThreads = 2 }).RunAsync();

        Assert.True(summary.BestValidation!.Top1 >= 0.875, $"top-1 on the training clips {summary.BestValidation.Top1}");
        var epochs = OnnxVideo.Training.Metrics.MetricsLog.Read(summary.MetricsPath);
        Assert.True(epochs[^1].TrainLoss < 0.5 * epochs[0].TrainLoss, $"train loss {epochs[0].TrainLoss} -> {epochs[^1].TrainLoss}");
        // The exported model, scored the way `evaluate` scores it (VideoClassifier), agrees with the eval graph's validation.
        await using var classifier = new VideoClassifier(new VideoClassifierOptions
        {
            ModelPath = summary.BestModelPath, IntraOpThreads = 2, MaxBatchSize = 3, DecodeWorkers = 2, WarmUp = false,
        });
        Assert.Equal(classes, classifier.Labels);
        var report = (await ModelEvaluation.RunAsync(classifier, validation.Samples, classes, maxFailedClips: 0)).Report;
        Assert.Equal(summary.BestValidation.Top1, report.Top1);
        Assert.Equal(summary.BestValidation.Confusion, report.Confusion);
        Assert.Equal(summary.BestValidation.Loss, report.Loss, 1e-4);
    }
}
