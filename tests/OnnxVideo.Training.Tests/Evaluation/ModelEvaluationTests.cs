using OnnxVideo.Media;
using OnnxVideo.Runtime;
using OnnxVideo.Training.Data;
using OnnxVideo.Training.Evaluation;
using OnnxVideo.Training.Loading;
using OnnxVideo.Training.Tests.Sessions;
using OnnxVideo.Training.Tests.Trainers;

namespace OnnxVideo.Training.Tests.Evaluation;

/// <summary>
/// <see cref="ModelEvaluation"/> (through <see cref="VideoClassifier"/>) against the path <c>evaluate</c> took before:
/// clips read by <see cref="ClipLoader"/>, the exported model run straight through one ORT session, views averaged by
/// <see cref="ClipEvaluation"/>. Same clips, same bad clip left out, same numbers.
/// </summary>
public sealed class ModelEvaluationTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task Scores_through_VideoClassifier_equal_the_loader_and_plain_session_path_and_the_bad_clip_is_left_out_by_name()
    {
        var (model, contract, samples, bad) = await SetUpAsync();
        var classes = contract.Labels;

        using var reference = new ExportedModelRunner(model);
        var loader = new ClipLoader(samples, new VideoClipSource(contract, ClipAugmentation.None),
            new LoaderOptions { BatchSize = 3, Workers = 2, MaxFailedClips = 1 });
        var expected = await ClipEvaluation.RunAsync(loader, classes, reference.Run);

        await using var classifier = new VideoClassifier(new VideoClassifierOptions
        {
            ModelPath = model, MaxBatchSize = 4, DecodeWorkers = 2, IntraOpThreads = 1, WarmUp = false,
        });
        var done = new List<int>();
        var actual = await ModelEvaluation.RunAsync(classifier, samples, classes, maxFailedClips: 1,
            clipsDone: new SynchronousProgress<int>(done.Add));

        // The comparison means something only when the model gets some clips wrong and some right.
        Assert.InRange(expected.Top1, 0.01, 0.99);
        Assert.Equal(samples.Count - 1, expected.Count);
        Assert.Equal(expected.Count, actual.Report.Count);
        Assert.Equal(expected.Top1, actual.Report.Top1);
        Assert.Equal(expected.Top5, actual.Report.Top5);
        Assert.Equal(expected.MeanClassAccuracy, actual.Report.MeanClassAccuracy);
        Assert.Equal(expected.PerClass, actual.Report.PerClass);
        Assert.Equal(expected.Confusion, actual.Report.Confusion);
        Assert.Equal(expected.Loss, actual.Report.Loss, 1e-5);

        var failure = Assert.Single(actual.Failures);
        Assert.Equal(bad, failure.Path);
        Assert.Equal(samples.FindIndex(s => s.Path == bad), failure.SampleIndex);
        Assert.Contains(bad, failure.Reason);
        Assert.Equal(bad, Assert.Single(loader.Failures).Path);
        Assert.Equal(Enumerable.Range(1, samples.Count), done);
    }

    [Fact]
    public async Task More_bad_clips_than_allowed_stop_the_evaluation_naming_the_last_one()
    {
        var (model, contract, samples, bad) = await SetUpAsync();
        await using var classifier = new VideoClassifier(new VideoClassifierOptions { ModelPath = model, WarmUp = false, IntraOpThreads = 1 });

        var e = await Assert.ThrowsAsync<TooManyFailedClipsException>(
            () => ModelEvaluation.RunAsync(classifier, samples, contract.Labels, maxFailedClips: 0));
        Assert.Equal(1, e.Failed);
        Assert.Equal(0, e.Limit);
        Assert.Contains(bad, e.Message);
        var wrongClasses = await Assert.ThrowsAsync<ArgumentException>(
            () => ModelEvaluation.RunAsync(classifier, samples, [.. contract.Labels, "extra"], maxFailedClips: 1));
        Assert.Contains("predicts 3 classes but the data has 4", wrongClasses.Message);
    }

    /// <summary>The frames of <paramref name="video"/> as a folder of png images.</summary>
    private string FrameFolderOf(string video)
    {
        var folder = Directory.CreateDirectory(_dir.File("frames")).FullName;
        FfmpegTools.Write("-i", video, Path.Combine(folder, "img_%d.png"));
        return folder;
    }

    /// <summary>Synthetic clips of 3 classes (one also as a frame folder), one text file posing as a video among them,
    /// and a linear model with seeded random weights exported with a 2-clip × 3-crop contract (so views are averaged).</summary>
    private async Task<(string Model, PreprocessingContract Contract, List<VideoSample> Samples, string Bad)> SetUpAsync()
    {
        var data = await SyntheticVideoDataset.GenerateAsync(_dir.File("data"), new SyntheticDatasetOptions
        {
            Classes = 3, ClipsPerClass = 3, Frames = 10, Size = 32, Seed = 3, Distractors = 0, Noise = 4,
        });
        var contract = new PreprocessingContract
        {
            Frames = 4, CropSize = 24, ResizeShortSide = 28, TestClips = 2, TestCrops = 3, Labels = data.Labels.ToArray(),
        };
        var samples = data.Clips.Select(c => new VideoSample(Path.Combine(data.Root, c.RelativePath), c.Label)).ToList();
        var bad = _dir.Touch("not-a-video.mp4", "plain text, not a video");
        samples.Insert(4, new VideoSample(bad, 1));
        samples.Add(new VideoSample(FrameFolderOf(samples[0].Path), samples[0].Label));

        long[] sampleShape = [3, contract.Frames, contract.CropSize, contract.CropSize];
        var features = (int)sampleShape.Aggregate(1L, (a, b) => a * b);
        var classes = contract.Labels.Length;
        var random = new Random(12);
        float Uniform(float range) => (float)(random.NextDouble() * 2 - 1) * range;
        var layout = LinearTrainingPackage.Write(_dir.File("package"), sampleShape, classes, Enumerable.Repeat(1f, features).ToArray(),
            Enumerable.Range(0, features * classes).Select(_ => Uniform(0.02f)).ToArray(),
            Enumerable.Range(0, classes).Select(_ => Uniform(0.5f)).ToArray());
        var model = _dir.File("model.onnx");
        new LinearInferenceExporter(layout.EvalPath, layout.FrozenPath!).Export(layout.TrainablePath, model, contract);
        return (model, contract, samples, bad);
    }

    public void Dispose() => _dir.Dispose();
}
