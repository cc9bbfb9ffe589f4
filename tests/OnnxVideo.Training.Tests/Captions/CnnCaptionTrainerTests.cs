using OnnxVideo.Media;
using OnnxVideo.Onnx;
using OnnxVideo.Runtime;
using OnnxVideo.Text;
using OnnxVideo.Training.Loading;
using OnnxVideo.Training.Metrics;
using OnnxVideo.Training.Packages;
using OnnxVideo.Training.Sessions;

namespace OnnxVideo.Training.Tests.Captions;

/// <summary>A captioner whose encoder is tiny3d's last feature map, trained by the shared trainer and served by <see cref="VideoCaptioner"/>.</summary>
public sealed class CnnCaptionTrainerTests(SyntheticMotionData data) : IClassFixture<SyntheticMotionData>, IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task ATiny3dEncoderCaptionerTrainsAndItsExportDecodesWithTheCacheAsByRecomputation()
    {
        var dataset = CaptionTestPackage.WriteDataset(data, _dir.File("captions"));
        var (train, val) = (Path.Combine(dataset, "train"), Path.Combine(dataset, "val"));
        var layout = PackageLayouts.Load(CaptionTestPackage.Write(_dir.File("pkg"), CaptionTestPackage.Captions(train), cnnEncoder: "tiny3d"));
        Assert.Equal(TensorLayout.NCTHW, layout.Contract!.Layout);
        var options = new TrainerOptions { Epochs = 6, BatchSize = 4, Seed = 4, Workers = 2, ClipGradNorm = 1 };
        var summary = await Trainer.ForCaptions(layout, train, val, new VideoClipSource(layout.Contract, ClipAugmentation.None), _dir.File("run"), options,
            new TrainingSessionOptions { IntraOpThreads = 1 }).RunAsync();

        var epochs = MetricsLog.Read(summary.MetricsPath);
        Assert.True(epochs[^1].TrainLoss < epochs[0].TrainLoss, $"train loss {epochs[0].TrainLoss} → {epochs[^1].TrainLoss}");
        Assert.True(epochs[^1].ValidationLoss < epochs[0].ValidationLoss, $"validation loss {epochs[0].ValidationLoss} → {epochs[^1].ValidationLoss}");
        // Full tuning trains tiny3d's BatchNorm with batch statistics; the exported encoder holds the running statistics the run reached.
        var encoder = OnnxModelFile.Load(Path.Combine(summary.BestModelPath, "encoder.onnx"));
        Assert.Contains(TensorProtos.ToFloats(encoder.Graph.Initializer.Single(t => t.Name == "stages.0.1.running_mean")), v => v != 0);

        using var captioner = VideoCaptioner.Open(summary.BestModelPath, new VideoCaptionerOptions { IntraOpThreads = 1 });
        var clips = new List<VideoMemory>();
        foreach (var clip in CaptionDataset.Load(val))
        {
            clips.Add(await captioner.EncodeAsync(clip.VideoPath));
        }
        Assert.Equal(4, clips.Count);
        foreach (var search in new[] { CaptionSearch.Greedy, new CaptionSearch { BeamWidth = 3, LengthPenalty = 0.6f } })
        {
            var cached = captioner.Caption(clips, search);
            var recomputed = captioner.Caption(clips, search with { UseCache = false });
            Assert.All(cached, c => Assert.NotEmpty(c.Tokens));
            Assert.Equal(recomputed.Select(c => c.Tokens), cached.Select(c => c.Tokens));
            Assert.Equal(recomputed.Select(c => c.LogProbability), cached.Select(c => c.LogProbability), (a, b) => Math.Abs(a - b) <= 1e-4);
        }
    }
}
