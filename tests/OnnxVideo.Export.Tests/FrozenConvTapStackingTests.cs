using OnnxVideo.Export.Tests.PackageSupport;
using OnnxVideo.Models.Compilation;
using OnnxVideo.Models.Tuning;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Graphs;
using OnnxVideo.Onnx.Shapes;
using OnnxVideo.Packaging;

namespace OnnxVideo.Export.Tests;

/// <summary>
/// The 3-D convs no gradient passes through (everything before the trained layers) run as 2-D convs over their stacked
/// temporal taps, as inference runs them (<see cref="TrainingPackageOptions.FrozenConvTaps"/>); a conv that trains or
/// that a trained tensor reaches stays as written, and the package steps as the unstacked one.
/// </summary>
public sealed class FrozenConvTapStackingTests : IDisposable
{
    private static readonly long[] Shape = [2, 3, 4, 6, 6];
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void HeadOnlyTuningStacksEveryConvAndStepsLikeThePackageWithout()
    {
        var model = TinyModels.Conv3dStack();
        var asWritten = Package(model, TuningSpec.Head, frozenForm: null);
        var stacked = Package(model, TuningSpec.Head, TapStackForm.Gathered);
        Assert.Equal([5, 5], ConvInputRanks(asWritten.TrainStepPath));
        Assert.Equal([4, 4], ConvInputRanks(stacked.TrainStepPath));
        SamePackageSteps.Assert(asWritten, stacked, Shape, new ToleranceComparer(1e-6f, 1e-5f));
    }

    [Fact]
    public void OnlyTheConvsBeforeTheTrainedOneAreStacked()
    {
        var model = TinyModels.Conv3dStack();
        var tuning = TuningSpec.Parse("pattern:^conv2\\.weight$");
        var asWritten = Package(model, tuning, frozenForm: null);
        var stacked = Package(model, tuning, TapStackForm.Gathered);
        // conv1 feeds the trained conv2 but reads nothing trained; conv2 and its weight gradient stay 3-D.
        var ranks = ConvInputRanks(stacked.TrainStepPath);
        Assert.Equal(1, ranks.Count(r => r == 4));
        Assert.Equal(ConvInputRanks(asWritten.TrainStepPath).Count - 1, ranks.Count(r => r == 5));
        SamePackageSteps.Assert(asWritten, stacked, Shape, new ToleranceComparer(1e-6f, 1e-5f));
    }

    private TrainingPackage Package(Onnx.Proto.ModelProto model, TuningSpec tuning, TapStackForm? frozenForm)
    {
        var dir = temp.File($"{tuning.Kind}-{frozenForm?.ToString() ?? "3d"}");
        // Lever 23 off: the convs it stacks after autodiff would be 2-D in both packages.
        TrainingPackageWriter.Write(model, new TrainingPackageOptions
        {
            Tuning = tuning,
            FrozenConvTaps = frozenForm,
            StackConvTapsAfterGradients = null,
            StackInputGradientConvTaps = null,
        }, dir);
        return TrainingPackage.Load(dir);
    }

    /// <summary>The rank of each Conv's input in the graph at <paramref name="path"/>, in node order.</summary>
    private static List<int> ConvInputRanks(string path)
    {
        var graph = OnnxModelFile.Load(path).Graph;
        var shapes = ShapeInference.Run(graph);
        return [.. graph.Node.Where(n => n.OpType == "Conv").Select(n => shapes.ShapeOf(n.Input[0])?.Rank ?? -1)];
    }
}
