using OnnxVideo.Media;
using OnnxVideo.Training.Data;
using OnnxVideo.Training.Loading;

namespace OnnxVideo.Training.Tests.Loading;

/// <summary>A frame folder whose first frame is a text file is reported by name and skipped, in evaluation and in
/// training without augmentation (the path that used to stop the run with "'1' cannot be greater than 0.").</summary>
public sealed class BadFrameFolderTests : IDisposable
{
    private static readonly PreprocessingContract Contract = new() { Frames = 4, ResizeShortSide = 16, CropSize = 16 };
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string FrameFolder(string name)
    {
        var folder = Directory.CreateDirectory(_dir.File(name)).FullName;
        FfmpegTools.Write("-f", "lavfi", "-i", "color=red:s=32x24:r=25:d=0.24", "-start_number", "1", Path.Combine(folder, "img_%d.jpg"));
        return folder;
    }

    [Fact]
    public async Task The_bad_folder_is_reported_and_skipped_in_evaluation_and_unaugmented_training()
    {
        var good = FrameFolder("good");
        var bad = FrameFolder("bad");
        File.WriteAllText(Path.Combine(bad, "img_1.jpg"), "this is a text file\n");
        VideoSample[] samples = [new(good, 0), new(bad, 1)];
        var options = new LoaderOptions { BatchSize = 2, Workers = 1 };
        var evaluation = new ClipLoader(samples, new VideoClipSource(Contract, ClipAugmentation.None), options);
        var training = new ClipLoader(samples, new VideoClipSource(Contract, ClipAugmentation.None), options);

        var evaluated = new List<ClipBatch>();
        await foreach (var batch in evaluation.EvaluationAsync())
        {
            evaluated.Add(batch);
        }
        var trained = new List<ClipBatch>();
        await foreach (var batch in training.TrainingEpochAsync(seed: 1, epoch: 0))
        {
            trained.Add(batch);
        }

        foreach (var (loader, batches) in new[] { (evaluation, evaluated), (training, trained) })
        {
            Assert.Equal([0], batches.SelectMany(b => b.SampleIndices));
            var failure = Assert.Single(loader.Failures);
            Assert.Equal(bad, failure.Path);
            Assert.Contains("img_1.jpg", failure.Reason);
        }
    }
}
