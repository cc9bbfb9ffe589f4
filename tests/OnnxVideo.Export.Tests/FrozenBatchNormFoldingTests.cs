using OnnxVideo.Export.Tests.PackageSupport;
using OnnxVideo.Models.Compilation;
using OnnxVideo.Models.Tuning;
using OnnxVideo.Onnx;
using OnnxVideo.Packaging;

namespace OnnxVideo.Export.Tests;

/// <summary>
/// Fine-tuning with BatchNorm frozen (running statistics): a BatchNorm after a trained Conv whose output outweighs its
/// weight is folded into the Conv (<see cref="FrozenBatchNormFolding"/>), and the package steps as the unfolded one.
/// </summary>
public sealed class FrozenBatchNormFoldingTests : IDisposable
{
    private static readonly long[] Shape = [2, 3, 4, 6, 6];
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void FullTuningWithFrozenBatchNormFoldsItIntoTheConvAndStepsLikeTheUnfoldedPackage()
    {
        var model = TinyModels.Conv3dStack();
        var unfolded = Package(model, TuningSpec.Full, BatchNormMode.Frozen, fold: false);
        var folded = Package(model, TuningSpec.Full, BatchNormMode.Frozen, fold: true);
        // conv1 (144 outputs per channel, 81 weights per filter) is folded; conv2 (216 weights per filter) is not.
        Assert.Equal(2, OpCount(unfolded.TrainStepPath, "BatchNormalization"));
        Assert.Equal(1, OpCount(folded.TrainStepPath, "BatchNormalization"));
        Assert.Equal(1, OpCount(folded.GradientsPath, "BatchNormalization"));
        Assert.Equal(2, OpCount(folded.EvalPath, "BatchNormalization"));
        SamePackageSteps.Assert(unfolded, folded, Shape, new ToleranceComparer(1e-6f, 1e-5f));
    }

    [Fact]
    public void NothingIsFoldedWhereTheBatchNormTrainsOrNothingOfThePairTrains()
    {
        var model = TinyModels.Conv3dStack();
        var trained = Package(model, TuningSpec.Full, BatchNormMode.Auto, fold: true);
        Assert.Equal(0, OpCount(trained.TrainStepPath, "BatchNormalization"));
        Assert.Equal(2, trained.Buffers.Count / 2);
        var head = Package(model, TuningSpec.Head, BatchNormMode.Frozen, fold: true);
        Assert.Equal(2, OpCount(head.TrainStepPath, "BatchNormalization"));
    }

    private TrainingPackage Package(Onnx.Proto.ModelProto model, TuningSpec tuning, BatchNormMode batchNorm, bool fold)
    {
        var dir = temp.File($"{tuning.Kind}-{batchNorm}-{fold}");
        TrainingPackageWriter.Write(model, new TrainingPackageOptions { Tuning = tuning, BatchNorm = batchNorm, FoldFrozenBatchNorm = fold }, dir);
        return TrainingPackage.Load(dir);
    }

    private static int OpCount(string path, string op) => OnnxModelFile.Load(path).Graph.Node.Count(n => n.OpType == op);
}
