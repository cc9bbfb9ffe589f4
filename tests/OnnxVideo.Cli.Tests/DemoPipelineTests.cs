using System.Text.Json;
using OnnxVideo.Cli.Demo;
using OnnxVideo.CommandLine;
using OnnxVideo.Media;
using OnnxVideo.Onnx;
using OnnxVideo.Ort;

namespace OnnxVideo.Cli.Tests;

/// <summary>The demo with a tiny configuration: every artefact is written and usable (accuracy is not asserted).</summary>
public sealed class DemoPipelineTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"onnxvideo-demo-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private DemoSettings Tiny => new()
    {
        OutputDirectory = _folder,
        Classes = 2,
        ClipsPerClass = 4,
        TestClipsPerClass = 2,
        Epochs = 1,
        BatchSize = 2,
        Frames = 4,
        Size = 32,
        Threads = 1,
        ClassifyCount = 3,
    };

    [Fact]
    public async Task WritesEveryArtefactAndClassifiesHeldOutClips()
    {
        var log = new StringWriter();
        var result = await DemoPipeline.RunAsync(Tiny, log);

        // 2 classes × 4 clips, a quarter validating; 2 × 2 test clips.
        Assert.Equal(6, File.ReadAllLines(Path.Combine(result.DatasetDirectory, "train.txt")).Length);
        Assert.Equal(2, File.ReadAllLines(Path.Combine(result.DatasetDirectory, "val.txt")).Length);
        Assert.Equal(4, File.ReadAllLines(Path.Combine(result.TestDatasetDirectory, "manifest.txt")).Length);
        Assert.True(File.Exists(Path.Combine(result.PackageDirectory, "manifest.json")));

        var trained = OnnxModelFile.Load(result.TrainedModelPath);
        var contract = PreprocessingContract.FromJson(ModelMetadata.Get(trained, PreprocessingContract.MetadataKey)!, result.TrainedModelPath);
        Assert.Equal(["move_right", "move_left"], contract.Labels);
        Assert.Equal(4, contract.Frames);
        using (var session = new OrtSession(result.TrainedModelPath))
        {
            Assert.Equal(["video"], session.InputNames);
        }

        foreach (var report in new[] { result.TrainingReportPath, result.EvaluationReportPath })
        {
            var html = File.ReadAllText(report);
            Assert.StartsWith("<!DOCTYPE html>", html);
            Assert.Contains("<svg", html);
            Assert.EndsWith("</html>\n", html);
        }
        using (var metrics = JsonDocument.Parse(File.ReadAllText(result.EvaluationMetricsPath)))
        {
            Assert.Equal(4, metrics.RootElement.GetProperty("count").GetInt32());
        }
        Assert.Equal(4, result.Test.Confusion.Sum(row => row.Sum()));

        // One clip of each class in turn: move_right, move_left, move_right.
        Assert.Equal(["move_right", "move_left", "move_right"], result.Classified.Select(c => c.TrueLabel));
        var lines = log.ToString().Split('\n').Where(l => l.Contains(" → ")).ToList();
        Assert.Equal(3, lines.Count);
        foreach (var (classified, line) in result.Classified.Zip(lines))
        {
            Assert.True(classified.Result.Succeeded, classified.Result.Error?.Message);
            Assert.Equal(2, classified.Result.Probabilities.Length);
            Assert.Equal(1.0, classified.Result.Probabilities.Sum(), 3);
            Assert.Contains(Path.GetFileName(classified.Result.Source), line);
            Assert.Contains(classified.Result.Top[0].Label, line);
        }
        using (var marker = JsonDocument.Parse(File.ReadAllText(Path.Combine(_folder, DemoPipeline.MarkerFileName))))
        {
            Assert.Equal(result.TrainedModelPath, marker.RootElement.GetProperty("trainedModelPath").GetString());
        }
    }

    [Fact]
    public async Task RefusesAFolderThatIsNotAnEarlierDemo()
    {
        Directory.CreateDirectory(_folder);
        File.WriteAllText(Path.Combine(_folder, "keep.txt"), "mine");
        var error = await Assert.ThrowsAsync<InvalidFlagException>(() => DemoPipeline.RunAsync(Tiny, TextWriter.Null));
        Assert.Equal("--out", error.Flag);
        Assert.Contains(_folder, error.Message);
        Assert.Equal("mine", File.ReadAllText(Path.Combine(_folder, "keep.txt")));
    }
}
