using System.Text.Json;
using OnnxVideo.Onnx;
using OnnxVideo.Training.Checkpoints;
using OnnxVideo.Training.Evaluation;
using OnnxVideo.Training.Loading;
using OnnxVideo.Training.Packages;
using OnnxVideo.Training.Schedules;
using OnnxVideo.Training.Sessions;
using OnnxVideo.Training.Tests.Evaluation;
using OnnxVideo.Training.Tests.Loading;
using OnnxVideo.Training.Tests.Sessions;

namespace OnnxVideo.Training.Tests.Trainers;

/// <summary>The trainer with mixup/CutMix batches and an EMA of the weights, on the linear package with soft targets.</summary>
public sealed class RegularisedTrainerTests : IDisposable
{
    private const int Classes = 4;
    private static readonly long[] SampleShape = [3, 2, 2, 2];
    private const int Features = 24;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private TrainingPackageLayout Package(string name, bool softTargets)
    {
        var package = LinearTrainingPackage.Write(_dir.File(name), SampleShape, Classes, Enumerable.Repeat(1f, Features).ToArray(),
            new float[Features * Classes], new float[Classes], softTargets);
        return package with { Exporter = new LinearInferenceExporter(package.EvalPath, package.FrozenPath!) };
    }

    private static TrainerOptions Options(MixSettings? mix = null, double? ema = null) => new()
    {
        Epochs = 3, BatchSize = 4, LearningRate = 0.05, Schedule = ScheduleKind.Constant, Seed = 9, Workers = 2, Mix = mix, EmaDecay = ema,
    };

    private static TrainingSessionOptions Session => new() { IntraOpThreads = 1 };

    private Task<TrainingSummary> RunAsync(TrainingPackageLayout package, string run, TrainerOptions options) =>
        new Trainer(package, PatternClipSource.Dataset(6, Classes), null, new PatternClipSource(Features), _dir.File(run), options, Session).RunAsync();

    private static float[] Newest(string run, string name, bool optimizerState = false)
    {
        var checkpoint = new CheckpointStore(Path.Combine(run, "checkpoints")).LoadNewestValid()!;
        using var file = optimizerState ? checkpoint.OpenOptimizerState() : checkpoint.OpenTrainable();
        return file.ReadFloats(name);
    }

    [Fact]
    public async Task MixedBatchesReachTheStepAndChangeWhatIsLearned()
    {
        var package = Package("soft", softTargets: true);
        var plain = await RunAsync(package, "plain", Options());
        var mixed = await RunAsync(package, "mixed", Options(new MixSettings { MixupAlpha = 0.4, CutmixAlpha = 1.0 }));
        var never = await RunAsync(package, "never", Options(new MixSettings { MixupAlpha = 0.4, Probability = 1e-9 }));

        Assert.Equal(plain.Steps, mixed.Steps);
        Assert.NotEqual(Newest(plain.OutputDirectory, "W"), Newest(mixed.OutputDirectory, "W"));
        // Mixing on, but no batch drawn for it: the mixer's one-hot soft targets give the same numbers as plain labels.
        Assert.Equal(Newest(plain.OutputDirectory, "W"), Newest(never.OutputDirectory, "W"));
    }

    [Fact]
    public async Task WithEmaValidationAndTheBestModelUseTheAveragedWeightsWhichCheckpointsKeep()
    {
        var source = new PatternClipSource(Features);
        var trainer = new Trainer(Package("ema", softTargets: false), PatternClipSource.Dataset(6, Classes), null, source, _dir.File("run"),
            Options(ema: 0.7), Session);
        var summary = await trainer.RunAsync();

        var store = new CheckpointStore(trainer.CheckpointDirectory);
        var bestStep = JsonDocument.Parse(store.LoadNewestValid()!.ReadTrainerStateJson()).RootElement.GetProperty("bestStep").GetInt64();
        using var bestState = store.Open(bestStep).OpenOptimizerState();
        using var bestWeights = store.Open(bestStep).OpenTrainable();
        var exported = OnnxModelFile.Load(summary.BestModelPath).Graph.Initializer.ToDictionary(t => t.Name, TensorProtos.ToFloats);
        foreach (var name in new[] { "W", "b" })
        {
            Assert.Equal(bestState.ReadFloats("ema/" + name), exported[name]);
            Assert.NotEqual(bestWeights.ReadFloats(name), exported[name]);
        }
        // The validation the trainer reports is the exported, averaged model's (its loss too, which the raw weights would change).
        using var model = new ExportedModelRunner(summary.BestModelPath);
        var loader = new ClipLoader(trainer.ValidationSet!.Samples, source, new LoaderOptions { BatchSize = 3 });
        var report = await ClipEvaluation.RunAsync(loader, trainer.ValidationSet.Classes, model.Run);
        Assert.Equal(summary.BestValidation!.Loss, report.Loss, 1e-6);
        Assert.Equal(summary.BestValidation.Confusion, report.Confusion);
    }

    [Fact]
    public async Task MixupOnAPackageWithoutSoftTargetsIsRefusedNamingIt()
    {
        var package = Package("labels", softTargets: false);
        var error = await Assert.ThrowsAsync<TrainingSessionException>(() => RunAsync(package, "run", Options(new MixSettings { MixupAlpha = 0.4 })));
        Assert.Equal(package.TrainStepPath, error.Input);
        Assert.Contains("onnxvideo-export package", error.Message);
    }
}
