using OnnxVideo.Media;
using OnnxVideo.Models.Compilation;
using OnnxVideo.Models.Tuning;
using OnnxVideo.Models.Zoo;
using OnnxVideo.Packaging.Contracts;
using OnnxVideo.Packaging.Optimizers;
using OnnxVideo.Runtime;
using OnnxVideo.Training.Data;
using OnnxVideo.Training.Evaluation;
using OnnxVideo.Training.Loading;
using OnnxVideo.Training.Packages;
using OnnxVideo.Training.Sessions;

namespace OnnxVideo.Training.Tests.EndToEnd;

/// <summary>
/// A video_vit package with deep prompts and adapters goes through the ordinary trainer and inference export: it
/// trains on decoded clips, and the exported model (prompts and adapters as plain nodes) scores what validation scored.
/// </summary>
public sealed class AdapterPromptTrainingTests(SyntheticMotionData data) : IClassFixture<SyntheticMotionData>, IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task PromptAndAdapterPackageTrainsAndItsExportScoresTheSame()
    {
        var contract = data.Contract with { Layout = TensorLayout.NTCHW };
        var model = ModelZoo.Build("video_vit", new ZooOptions { Classes = 4, Frames = contract.Frames, Size = contract.CropSize, Seed = 1 });
        ModelContracts.Write(model, contract);
        var directory = _dir.File("pkg");
        TrainingPackageWriter.Write(model, new TrainingPackageOptions
        {
            Tuning = TuningSpec.Parse("prompt:tokens=2,deep+adapter:dim=8,target=mlp"),
            Optimizer = OptimizerSettings.DefaultFor(OptimizerKind.AdamW) with { LearningRate = 0.003f },
            Contract = contract,
        }, directory, "video_vit");
        var package = PackageLayouts.Load(directory);
        var classes = contract.Labels;
        var train = DatasetReader.Read(data.SmallTrainList, new DatasetOptions { Classes = classes });
        var source = new VideoClipSource(contract, ClipAugmentation.None);
        var options = new TrainerOptions { Epochs = 3, BatchSize = 4, LearningRate = 0.003, Seed = 2, Workers = 2 };
        var summary = await new Trainer(package, train, train, source, _dir.File("run"), options,
            new TrainingSessionOptions { IntraOpThreads = 2 }).RunAsync();

        var epochs = OnnxVideo.Training.Metrics.MetricsLog.Read(summary.MetricsPath);
        Assert.Equal(3, epochs.Count);
        Assert.True(epochs[^1].TrainLoss < epochs[0].TrainLoss, $"train loss {epochs[0].TrainLoss} -> {epochs[^1].TrainLoss}");
        await using var classifier = new VideoClassifier(new VideoClassifierOptions
        {
            ModelPath = summary.BestModelPath, IntraOpThreads = 2, MaxBatchSize = 3, DecodeWorkers = 2, WarmUp = false,
        });
        var report = (await ModelEvaluation.RunAsync(classifier, train.Samples, classes, maxFailedClips: 0)).Report;
        Assert.Equal(summary.BestValidation!.Top1, report.Top1);
        Assert.Equal(summary.BestValidation.Confusion, report.Confusion);
        Assert.Equal(summary.BestValidation.Loss, report.Loss, 1e-4);
    }
}
