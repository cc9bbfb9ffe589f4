using OnnxVideo.Packaging.Optimizers;
using OnnxVideo.Packaging;
using OnnxVideo.Export.Tests.PackageSupport;
using OnnxVideo.Packaging.Tuning;
using OnnxVideo.Onnx;

namespace OnnxVideo.Export.Tests;

public sealed class PackageCommandTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    private string SavedModel()
    {
        var path = temp.File("model.onnx");
        OnnxModelFile.Save(TinyModels.Mlp3d(), path);
        return path;
    }

    [Fact]
    public void PackageWritesALoadablePackageAndSummarisesTheCounts()
    {
        var output = temp.File("pkg");
        var (code, stdout, stderr) = CliProcess.RunExport("package", "--model", SavedModel(), "--tune", "lora:r=2,alpha=4,target=proj",
            "--optimizer", "sgd", "--lr", "0.05", "--momentum", "0.8", "--nesterov", "--weight-decay", "0.001", "--label-smoothing", "0.1",
            "--batchnorm", "train", "--out", output);
        Assert.True(code == 0, stderr);
        var package = TrainingPackage.Load(output);
        var m = package.Manifest;
        Assert.Equal(TuningKind.Lora, m.Tuning.Kind);
        Assert.Equal(new OptimizerSettings { Kind = OptimizerKind.Sgd, LearningRate = 0.05f, Momentum = 0.8f, Nesterov = true, WeightDecay = 0.001f }, m.Optimizer);
        Assert.Equal(0.1f, m.LabelSmoothing);
        // proj.weight [6,5] gets A [2,6] and B [5,2]; the head [3,5] + [3] is trained too.
        Assert.Equal(12 + 10 + 15 + 3, m.TrainableParameterCount);
        Assert.Contains($"trainable  {m.TrainableParameterCount:N0} parameters in 4 tensors", stdout);
        Assert.Contains($"frozen     {m.FrozenParameterCount:N0} parameters", stdout);
        Assert.Contains("1 LoRA adapters", stdout);
        Assert.Equal(BatchNormMode.Train, m.BatchNorm);
        Assert.Equal(["bn.running_mean", "bn.running_var"], m.Buffers.Select(b => b.Name));
        Assert.Contains("batchnorm  train: batch statistics in 1 layer", stdout);
    }

    [Theory]
    [InlineData("--tune", "lora:r=0", "rank must be >= 1")]
    [InlineData("--tune", "everything", "unknown strategy")]
    [InlineData("--optimizer", "adam", "--optimizer adam: unknown optimizer")]
    [InlineData("--label-smoothing", "1.5", "--label-smoothing 1.5: must be in [0, 1)")]
    [InlineData("--momentum", "0.9", "apply to --optimizer sgd only")]
    [InlineData("--tune", "lora:target=nothing_matches", "matched none")]
    [InlineData("--batchnorm", "sometimes", "--batchnorm sometimes: unknown mode")]
    [InlineData("--layer-decay", "1.5", "--layer-decay 1.5: must be in (0, 1]")]
    [InlineData("--layer-decay", "0.75", "layer-wise learning-rate decay needs transformer blocks")]
    [InlineData("--dropout", "maybe", "--dropout maybe: use on or off")]
    [InlineData("--tune", "prompt:tokens=2", "needs a transformer's token sequence")]
    [InlineData("--tune", "full+lora:r=2", "does not combine with other methods")]
    public void BadFlagsAreRefusedWithTheReason(string flag, string value, string message)
    {
        var output = temp.File("pkg");
        var (code, _, stderr) = CliProcess.RunExport("package", "--model", SavedModel(), flag, value, "--out", output);
        Assert.Equal(2, code);
        Assert.Contains(message, stderr);
        Assert.False(File.Exists(Path.Combine(output, TrainingPackageManifest.FileName)));
    }

    [Fact]
    public void MissingModelIsReportedByPath()
    {
        var missing = temp.File("absent.onnx");
        var (code, _, stderr) = CliProcess.RunExport("package", "--model", missing, "--out", temp.File("pkg"));
        Assert.Equal(2, code);
        Assert.Contains(missing, stderr);
    }
}
